package nn_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vkgrad/vkgrad/cpu"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

func paramNames(ps []nn.Param) []string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}

func TestContainers(t *testing.T) {
	dev := cpu.New()
	lin := nn.NewLinear(dev, 2, 3)
	drop := nn.NewDropout(0.5)
	list := nn.ModuleList{lin, nn.NewIdentity(), nn.NewLayerNorm(dev, []int{3}, nn.LayerNormConfig{}), drop}
	if got, want := paramNames(list.Params()), []string{"0.weight", "0.bias", "2.weight", "2.bias"}; !slices.Equal(got, want) {
		t.Errorf("ModuleList params %q, want %q", got, want)
	}
	dict := nn.ModuleDict{"head": nn.NewLinear(dev, 3, 1, nn.WithoutBias()), "encoder": list}
	if got, want := paramNames(dict.Params()), []string{"encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "head.weight"}; !slices.Equal(got, want) {
		t.Errorf("ModuleDict params %q, want %q", got, want)
	}
	// SetTraining reaches the dropout inside the list inside the dict.
	x := tensor.Ones(dev, 1000)
	dict.SetTraining(false)
	if s, _ := drop.Forward(x).Sum().Item(); s != 1000 {
		t.Errorf("evaluation mode: dropout changed the sum to %v", s)
	}
	dict.SetTraining(true)
	if s, _ := drop.Forward(x).Sum().Item(); s == 1000 {
		t.Error("training mode: dropout did nothing")
	}
	if y := nn.NewIdentity().Forward(x); y != x {
		t.Error("Identity returned another tensor")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("an empty name: no panic")
			}
		}()
		nn.ModuleDict{"": lin}.Params()
	}()
}

// A custom module's Params in one line, with PyTorch's dotted names.
func ExampleModuleDict() {
	dev := cpu.New()
	emb := nn.NewEmbedding(dev, 100, 8, -1)
	head := nn.NewLinear(dev, 8, 2)
	for _, p := range (nn.ModuleDict{"emb": emb, "head": head}).Params() {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	// Output:
	// emb.weight [100 8]
	// head.weight [2 8]
	// head.bias [2]
}
