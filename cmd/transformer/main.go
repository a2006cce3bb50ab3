// Command transformer trains a small Transformer encoder to reverse
// sequences of digits, reports its exact-match accuracy on fresh
// sequences, and draws the attention weights of one example as a PNG.
//
//	go run ./cmd/transformer                      # 2 layers, d_model 64, on the best device
//	go run ./cmd/transformer -device cpu -len 12 -steps 3000 -png attn.png
//
// The model: each digit an nn.Embedding row plus a sinusoidal positional
// encoding, an nn.TransformerEncoder (post-norm, relu, no dropout), a
// linear layer to the digit at each position; cross-entropy at every
// position, Adam with a linear warm-up and a cosine decay. A sequence
// counts as right only when every digit is.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/internal/imgout"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

// vocab is the number of distinct tokens: the digits.
const vocab = 10

type config struct {
	device                      string
	steps, batch, length, every int
	layers, dModel, heads, ff   int
	evalN                       int
	lr                          float64
	seed                        uint64
	png                         string
	quiet                       bool
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

func mainStatus(args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("transformer", flag.ContinueOnError)
	cli.DeviceFlag(fs, &c.device)
	fs.IntVar(&c.steps, "steps", 800, "training steps")
	fs.IntVar(&c.batch, "batch", 64, "sequences per step")
	fs.IntVar(&c.length, "len", 10, "digits per sequence")
	fs.IntVar(&c.layers, "layers", 2, "encoder layers")
	fs.IntVar(&c.dModel, "d", 64, "model size (d_model)")
	fs.IntVar(&c.heads, "heads", 4, "attention heads")
	fs.IntVar(&c.ff, "ff", 128, "feed-forward size")
	fs.IntVar(&c.every, "every", 250, "print the loss every this many steps")
	fs.IntVar(&c.evalN, "eval", 2000, "fresh sequences the accuracy is measured on")
	fs.Float64Var(&c.lr, "lr", 1e-3, "Adam's peak learning rate")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the weights and the data")
	fs.StringVar(&c.png, "png", "attention.png", `draw the last layer's attention weights (heads averaged) of one example into this .png file ("" for none)`)
	fs.BoolVar(&c.quiet, "quiet", false, "print only the final accuracy")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return cli.Exit("transformer", err, stderr)
	}
	checks := []error{cli.AtLeast("steps", c.steps, 1), cli.AtLeast("batch", c.batch, 1), cli.AtLeast("len", c.length, 2),
		cli.AtLeast("layers", c.layers, 1), cli.AtLeast("d", c.dModel, 1), cli.AtLeast("heads", c.heads, 1),
		cli.AtLeast("ff", c.ff, 1), cli.AtLeast("every", c.every, 1), cli.AtLeast("eval", c.evalN, 1), cli.Positive("lr", c.lr)}
	if c.heads > 0 && c.dModel%c.heads != 0 {
		checks = append(checks, fmt.Errorf("-heads %d does not divide -d %d", c.heads, c.dModel))
	}
	if c.png != "" {
		checks = append(checks, cli.OutputPath("png", c.png, ".png"))
	}
	if err := errors.Join(checks...); err != nil {
		return cli.Exit("transformer", err, stderr)
	}
	return cli.Run("transformer", stderr, func() error { _, err := run(c, stdout); return err })
}

// model is the reversal Transformer.
type model struct {
	emb     *nn.Embedding
	pos     *nn.PositionalEncoding
	encoder *nn.TransformerEncoder
	head    *nn.Linear
}

func newModel(dev device.Device, c config) *model {
	nn.ManualSeed(c.seed)
	return &model{
		emb: nn.NewEmbedding(dev, vocab, c.dModel, -1),
		pos: nn.NewSinusoidalPositionalEncoding(dev, c.length, c.dModel),
		encoder: nn.NewTransformerEncoder(dev, nn.TransformerConfig{DModel: c.dModel, NHead: c.heads, DimFeedforward: c.ff, BatchFirst: true},
			c.layers, false),
		head: nn.NewLinear(dev, c.dModel, vocab),
	}
}

func (m *model) params() []nn.Param {
	return nn.ModuleDict{"emb": m.emb, "encoder": m.encoder, "head": m.head}.Params()
}

// embed is the encoder's input for digits x [batch, len].
func (m *model) embed(x *tensor.Tensor) *tensor.Tensor { return m.pos.Forward(m.emb.Forward(x)) }

// logits is [batch·len, vocab].
func (m *model) logits(x *tensor.Tensor) *tensor.Tensor {
	h := m.encoder.Forward(m.embed(x))
	return m.head.Forward(h.Reshape(-1, h.Dim(2)))
}

// batch draws n random sequences and their reversals.
func batch(r *rand.Rand, n, length int) (x, y []float32) {
	x, y = make([]float32, n*length), make([]float32, n*length)
	for s := range n {
		for i := range length {
			x[s*length+i] = float32(r.IntN(vocab))
		}
		for i := range length {
			y[s*length+i] = x[s*length+length-1-i]
		}
	}
	return x, y
}

// result is what a run measured.
type result struct {
	loss, accuracy float64
}

func run(c config, w io.Writer) (result, error) {
	dev, err := vkgrad.Open(c.device)
	if err != nil {
		return result{}, err
	}
	defer dev.Close()
	m := newModel(dev, c)
	params := m.params()
	if !c.quiet {
		n := 0
		for _, p := range params {
			n += p.Tensor.Size()
		}
		fmt.Fprintf(w, "device: %v\ntask: reverse %d digits; model: %d layers, d_model %d, %d heads, %d parameters\n", dev.Info(), c.length, c.layers, c.dModel, c.heads, n)
	}
	opt := nn.NewAdam(params, nn.AdamConfig{LR: float32(c.lr)})
	defer opt.Release()
	sched := nn.WarmupCosineLR{Base: float32(c.lr), Warmup: max(1, c.steps/10), Total: c.steps}
	r := rand.New(rand.NewPCG(c.seed, 7))
	lossSum := tensor.Keep(tensor.Zeros(dev))
	defer lossSum.Release()
	var res result
	start := time.Now()
	for step := 1; step <= c.steps; step++ {
		x, y := batch(r, c.batch, c.length)
		opt.SetLR(sched.LR(step - 1))
		tensor.Tidy(func() {
			loss := nn.CrossEntropy(m.logits(tensor.FromSlice(dev, x, c.batch, c.length)), tensor.FromSlice(dev, y, c.batch*c.length))
			loss.Backward()
			opt.Step()
			opt.ZeroGrad()
			tensor.NoGrad(func() { tensor.Assign(lossSum, lossSum.Add(loss)) })
		})
		if step%c.every == 0 || step == c.steps {
			n := step % c.every
			if n == 0 {
				n = c.every
			}
			s, err := lossSum.Item()
			if err != nil {
				return res, err
			}
			res.loss = float64(s) / float64(n)
			tensor.Assign(lossSum, tensor.Zeros(dev))
			if !c.quiet {
				fmt.Fprintf(w, "step %d/%d  loss %.4f  (%.0f sequences/s)\n", step, c.steps, res.loss, float64(step*c.batch)/time.Since(start).Seconds())
			}
		}
	}
	m.encoder.SetTraining(false)
	if res.accuracy, err = m.accuracy(dev, c, rand.New(rand.NewPCG(c.seed, 8))); err != nil {
		return res, err
	}
	fmt.Fprintf(w, "exact-match accuracy on %d fresh sequences: %.2f%%\n", c.evalN, 100*res.accuracy)
	if c.png != "" {
		if err := m.drawAttention(dev, c, r); err != nil {
			return res, err
		}
		if !c.quiet {
			fmt.Fprintf(w, "wrote %s\n", c.png)
		}
	}
	return res, nil
}

// accuracy is the share of fresh sequences reversed without a mistake.
func (m *model) accuracy(dev device.Device, c config, r *rand.Rand) (float64, error) {
	right := 0
	var err error
	for done := 0; done < c.evalN && err == nil; done += c.batch {
		n := min(c.batch, c.evalN-done)
		x, y := batch(r, n, c.length)
		tensor.NoGrad(func() {
			tensor.Tidy(func() {
				var pred []float32
				pred, err = m.logits(tensor.FromSlice(dev, x, n, c.length)).ArgMax(1).Data()
				for s := range n {
					ok := true
					for i := range c.length {
						ok = ok && pred[s*c.length+i] == y[s*c.length+i]
					}
					if ok {
						right++
					}
				}
			})
		})
	}
	return float64(right) / float64(c.evalN), err
}

// drawAttention writes the last layer's attention weights (heads averaged)
// of one fresh example: row i is query position i, column j key position
// j; reversal makes the weights an anti-diagonal.
func (m *model) drawAttention(dev device.Device, c config, r *rand.Rand) error {
	x, _ := batch(r, 1, c.length)
	var weights []float32
	var err error
	tensor.NoGrad(func() {
		tensor.Tidy(func() {
			h := m.embed(tensor.FromSlice(dev, x, 1, c.length))
			layers := m.encoder.Layers
			for _, l := range layers[:len(layers)-1] {
				h = l.Forward(h)
			}
			weights, err = layers[len(layers)-1].SelfAttn.AttentionWeights(h, h, nn.AttendOptions{}).Data()
		})
	})
	if err != nil {
		return err
	}
	rows := make([][]float32, c.length)
	for i := range rows {
		rows[i] = weights[i*c.length : (i+1)*c.length]
	}
	return imgout.WritePNG(c.png, imgout.Heatmap(rows, 24))
}
