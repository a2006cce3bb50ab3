// Command charlstm trains a character-level LSTM language model on a text
// shipped with it (text.txt) and prints samples of what it writes as it
// learns.
//
//	go run ./cmd/charlstm                    # 600 steps on the best device
//	go run ./cmd/charlstm -device cpu -steps 2000 -hidden 256
//
// The model: each character an nn.Embedding row, an LSTM over windows of
// -seq characters, a linear layer to the next character's logits,
// cross-entropy at every position, Adam with ClipGradNorm. Sampling feeds
// each drawn character back, one step at a time, carrying the LSTM's
// state.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

//go:embed text.txt
var text string

type config struct {
	device                    string
	steps, batch, seq, hidden int
	embed, every, sampleLen   int
	lr, clip                  float64
	seed                      uint64
	prompt                    string
	quiet                     bool
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

func mainStatus(args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("charlstm", flag.ContinueOnError)
	cli.DeviceFlag(fs, &c.device)
	fs.IntVar(&c.steps, "steps", 600, "training steps")
	fs.IntVar(&c.batch, "batch", 32, "windows per step")
	fs.IntVar(&c.seq, "seq", 64, "characters per window")
	fs.IntVar(&c.hidden, "hidden", 128, "LSTM hidden size")
	fs.IntVar(&c.embed, "embed", 32, "character vector size")
	fs.IntVar(&c.every, "every", 200, "print the loss and a sample every this many steps")
	fs.IntVar(&c.sampleLen, "sample", 160, "characters per sample")
	fs.Float64Var(&c.lr, "lr", 3e-3, "Adam's learning rate")
	fs.Float64Var(&c.clip, "clip", 1, "clip the gradients' global norm to this")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the weights, the windows and the sampling")
	fs.StringVar(&c.prompt, "prompt", "The ", "text the samples start from")
	fs.BoolVar(&c.quiet, "quiet", false, "print only the final loss")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return cli.Exit("charlstm", err, stderr)
	}
	if err := errors.Join(cli.AtLeast("steps", c.steps, 1), cli.AtLeast("batch", c.batch, 1), cli.AtLeast("seq", c.seq, 1),
		cli.AtLeast("hidden", c.hidden, 1), cli.AtLeast("embed", c.embed, 1), cli.AtLeast("every", c.every, 1),
		cli.AtLeast("sample", c.sampleLen, 0), cli.Positive("lr", c.lr), cli.Positive("clip", c.clip)); err != nil {
		return cli.Exit("charlstm", err, stderr)
	}
	if c.seq >= len(text) {
		return cli.Exit("charlstm", fmt.Errorf("-seq %d: the text has %d characters", c.seq, len(text)), stderr)
	}
	return cli.Run("charlstm", stderr, func() error { _, err := run(c, stdout); return err })
}

// lm is the language model.
type lm struct {
	chars []rune
	index map[rune]int
	emb   *nn.Embedding
	lstm  *nn.Recurrent
	head  *nn.Linear
}

func (m *lm) params() []nn.Param {
	return nn.ModuleDict{"emb": m.emb, "lstm": m.lstm, "head": m.head}.Params()
}

// run trains and samples; it returns the mean loss of the last -every
// steps (nats per character).
func run(c config, w io.Writer) (float64, error) {
	dev, err := vkgrad.Open(c.device)
	if err != nil {
		return 0, err
	}
	defer dev.Close()
	m := newLM(dev, c)
	ids := make([]float32, 0, len(text))
	for _, r := range text {
		ids = append(ids, float32(m.index[r]))
	}
	if !c.quiet {
		fmt.Fprintf(w, "device: %v\ntext: %d characters, %d distinct; model: embedding %d, LSTM %d, %d parameters\n",
			dev.Info(), len(ids), len(m.chars), c.embed, c.hidden, countParams(m.params()))
	}
	params := m.params()
	opt := nn.NewAdam(params, nn.AdamConfig{LR: float32(c.lr)})
	defer opt.Release()
	r := rand.New(rand.NewPCG(c.seed, 3))
	lossSum := tensor.Keep(tensor.Zeros(dev))
	defer lossSum.Release()
	x, y := make([]float32, c.batch*c.seq), make([]float32, c.batch*c.seq)
	start := time.Now()
	last := 0.0
	for step := 1; step <= c.steps; step++ {
		for b := range c.batch {
			at := r.IntN(len(ids) - c.seq)
			copy(x[b*c.seq:], ids[at:at+c.seq])
			copy(y[b*c.seq:], ids[at+1:at+1+c.seq])
		}
		tensor.Tidy(func() {
			xb := tensor.FromSlice(dev, x, c.batch, c.seq)
			yb := tensor.FromSlice(dev, y, c.batch*c.seq)
			out, _, _ := m.lstm.ForwardState(m.emb.Forward(xb), nil, nil) // [batch, seq, hidden]
			logits := m.head.Forward(out.Reshape(-1, c.hidden))
			loss := nn.CrossEntropy(logits, yb)
			loss.Backward()
			nn.ClipGradNorm(params, float32(c.clip))
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
				return 0, err
			}
			last = float64(s) / float64(n)
			tensor.Assign(lossSum, tensor.Zeros(dev))
			if !c.quiet {
				fmt.Fprintf(w, "step %d/%d  loss %.3f nats/char  (%.0f chars/s)\n", step, c.steps, last, float64(step*c.batch*c.seq)/time.Since(start).Seconds())
				sample, err := m.sample(dev, c, r)
				if err != nil {
					return 0, err
				}
				fmt.Fprintf(w, "  %q\n", sample)
			}
		}
	}
	if c.quiet {
		fmt.Fprintf(w, "loss %.3f nats/char\n", last)
	}
	return last, nil
}

func countParams(ps []nn.Param) int {
	n := 0
	for _, p := range ps {
		n += p.Tensor.Size()
	}
	return n
}

func newLM(dev device.Device, c config) *lm {
	m := &lm{index: map[rune]int{}}
	seen := map[rune]bool{}
	for _, r := range text {
		seen[r] = true
	}
	for r := range seen {
		m.chars = append(m.chars, r)
	}
	sort.Slice(m.chars, func(i, j int) bool { return m.chars[i] < m.chars[j] })
	for i, r := range m.chars {
		m.index[r] = i
	}
	nn.ManualSeed(c.seed)
	m.emb = nn.NewEmbedding(dev, len(m.chars), c.embed, -1)
	m.lstm = nn.NewLSTM(dev, nn.RNNConfig{InputSize: c.embed, HiddenSize: c.hidden, BatchFirst: true})
	m.head = nn.NewLinear(dev, c.hidden, len(m.chars))
	return m
}

// sample writes sampleLen characters after the prompt, drawing each from
// the model's softmax and feeding it back with the LSTM's state.
func (m *lm) sample(dev device.Device, c config, r *rand.Rand) (string, error) {
	var out strings.Builder
	var err error
	tensor.NoGrad(func() {
		var h, cs *tensor.Tensor
		next := -1
		feed := func(ch int) []float32 {
			var p []float32
			tensor.Tidy(func() {
				x := tensor.FromSlice(dev, []float32{float32(ch)}, 1, 1)
				o, hn, cn := m.lstm.ForwardState(m.emb.Forward(x), h, cs)
				h, cs = tensor.Keep(hn), tensor.Keep(cn)
				p, err = m.head.Forward(o.Reshape(1, c.hidden)).Softmax(1).Data()
			})
			return p
		}
		var probs []float32
		for _, ch := range c.prompt {
			i, ok := m.index[ch]
			if !ok {
				continue
			}
			out.WriteRune(ch)
			probs = feed(i)
			if err != nil {
				return
			}
		}
		for range c.sampleLen {
			if probs == nil {
				break
			}
			next = draw(probs, r)
			out.WriteRune(m.chars[next])
			if probs = feed(next); err != nil {
				return
			}
		}
	})
	return out.String(), err
}

// draw picks an index with the given probabilities.
func draw(p []float32, r *rand.Rand) int {
	u, s := r.Float64(), 0.0
	for i, v := range p {
		if s += float64(v); u < s && !math.IsNaN(s) {
			return i
		}
	}
	return len(p) - 1
}
