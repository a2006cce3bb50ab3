package nn_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// SequenceMask marks each sequence's steps; ForwardPadded and the cells
// reject inputs that do not fit with messages naming the shapes.
func TestSequenceMaskAndMisuse(t *testing.T) {
	near(t, "mask", vals(t, nn.SequenceMask(dev, []int{2, 0, 3}, 3)), []float64{1, 1, 0, 0, 0, 0, 1, 1, 1}, 0)
	lstm := nn.NewLSTM(dev, nn.RNNConfig{InputSize: 3, HiddenSize: 4})
	gru := nn.NewGRUCell(dev, nn.CellConfig{InputSize: 3, HiddenSize: 4})
	x := tensor.Zeros(dev, 5, 2, 3)
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"mask length", "length 4 of sequence 1 for 3 steps", func() { nn.SequenceMask(dev, []int{1, 4}, 3) }},
		{"lengths count", "3 lengths for a batch of 2", func() { lstm.ForwardPadded(x, []int{1, 2, 3}, nil, nil) }},
		{"zero length", "length 0 of sequence 0 (want 1 to 5", func() { lstm.ForwardPadded(x, []int{0, 2}, nil, nil) }},
		{"too long", "length 6 of sequence 1", func() { lstm.ForwardPadded(x, []int{5, 6}, nil, nil) }},
		{"no lengths", "ForwardPadded without lengths", func() { lstm.ForwardPadded(x, nil, nil, nil) }},
		{"cell input", "input [2 5] (want [batch, 3] or [3])", func() { gru.Step(tensor.Zeros(dev, 2, 5), nil, nil) }},
		{"cell state", "h of shape [3 4] for input [2 3]", func() { gru.Step(tensor.Zeros(dev, 2, 3), tensor.Zeros(dev, 3, 4), nil) }},
		{"gru cell state", "a cell state is only an LSTM's", func() { gru.Step(tensor.Zeros(dev, 2, 3), nil, tensor.Zeros(dev, 2, 4)) }},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("%s: panic %v, want one containing %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}
