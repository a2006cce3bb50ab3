// Command word2vec learns word vectors with skip-gram and negative
// sampling (Mikolov et al., 2013) on vkgrad, on any device, and prints the
// nearest neighbours of a few words.
//
//	go run ./cmd/word2vec                     # a generated corpus of 20,000 sentences
//	go run ./cmd/word2vec -device vulkan -dim 32 -epochs 5
//
// Each word has two vectors, one as the centre and one as a context
// (nn.Embedding tables). For every (centre, context) pair within the window
// the model raises σ(centre·context) and lowers σ(centre·noise) for
// -negatives words drawn from the unigram distribution raised to 0.75.
// The corpus is generated from templates over word classes (animals,
// foods, drinks, places, colours, people), so words of one class share
// their contexts: the trained vectors should bring them together.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

type config struct {
	device                            string
	sentences, dim, window, negatives int
	epochs, batch                     int
	lr                                float64
	seed                              uint64
	show                              string
	quiet                             bool
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

func mainStatus(args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("word2vec", flag.ContinueOnError)
	cli.DeviceFlag(fs, &c.device)
	fs.IntVar(&c.sentences, "sentences", 20000, "sentences in the generated corpus")
	fs.IntVar(&c.dim, "dim", 32, "vector size")
	fs.IntVar(&c.window, "window", 2, "context words on each side")
	fs.IntVar(&c.negatives, "negatives", 5, "noise words per pair")
	fs.IntVar(&c.epochs, "epochs", 3, "passes over the corpus")
	fs.IntVar(&c.batch, "batch", 512, "pairs per step")
	fs.Float64Var(&c.lr, "lr", 0.01, "Adam's learning rate")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the corpus, the weights and the sampling")
	fs.StringVar(&c.show, "show", "cat,bread,tea,river,red,doctor", "comma-separated words whose neighbours to print")
	fs.BoolVar(&c.quiet, "quiet", false, "print only the neighbours")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return cli.Exit("word2vec", err, stderr)
	}
	if err := errors.Join(cli.AtLeast("sentences", c.sentences, 1), cli.AtLeast("dim", c.dim, 1), cli.AtLeast("window", c.window, 1),
		cli.AtLeast("negatives", c.negatives, 1), cli.AtLeast("epochs", c.epochs, 1), cli.AtLeast("batch", c.batch, 1), cli.Positive("lr", c.lr)); err != nil {
		return cli.Exit("word2vec", err, stderr)
	}
	return cli.Run("word2vec", stderr, func() error { _, err := run(c, stdout); return err })
}

// model is the two tables of vectors.
type model struct {
	vocab   []string
	index   map[string]int
	in, out *nn.Embedding
}

// trained is what run learned: the vocabulary and its centre vectors, read
// back to the host.
type trained struct {
	vocab []string
	index map[string]int
	vecs  [][]float32
}

// run trains and prints the neighbours.
func run(c config, w io.Writer) (*trained, error) {
	dev, err := vkgrad.Open(c.device)
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	text := corpus(c.seed, c.sentences)
	m := newModel(dev, text, c)
	for _, s := range strings.Split(c.show, ",") {
		if _, ok := m.index[strings.TrimSpace(s)]; !ok && s != "" {
			return nil, fmt.Errorf("-show: %q is not in the corpus's vocabulary", s)
		}
	}
	pairs := skipGrams(text, m.index, c.window)
	noise := newNoise(text, m.index)
	if !c.quiet {
		fmt.Fprintf(w, "device: %v\n", dev.Info())
		fmt.Fprintf(w, "corpus: %d sentences, %d words, vocabulary %d; %d (centre, context) pairs, window %d, %d noise words each\n",
			len(text), countWords(text), len(m.vocab), len(pairs), c.window, c.negatives)
	}
	params := nn.ModuleDict{"in": m.in, "out": m.out}.Params()
	opt := nn.NewAdam(params, nn.AdamConfig{LR: float32(c.lr)})
	defer opt.Release()
	r := rand.New(rand.NewPCG(c.seed, 77))
	lossSum := tensor.Keep(tensor.Zeros(dev))
	defer lossSum.Release()
	for epoch := range c.epochs {
		start := time.Now()
		r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
		tensor.Assign(lossSum, tensor.Zeros(dev))
		steps := 0
		for b := 0; b < len(pairs); b += c.batch {
			batch := pairs[b:min(b+c.batch, len(pairs))]
			tensor.Tidy(func() {
				loss := m.loss(dev, batch, noise, c.negatives, r)
				loss.Backward()
				opt.Step()
				opt.ZeroGrad()
				tensor.NoGrad(func() { tensor.Assign(lossSum, lossSum.Add(loss)) })
			})
			steps++
		}
		ls, err := lossSum.Item()
		if err != nil {
			return nil, err
		}
		if !c.quiet {
			fmt.Fprintf(w, "epoch %d/%d  loss %.4f  time %.1fs (%.0f pairs/s)\n", epoch+1, c.epochs, ls/float32(steps), time.Since(start).Seconds(), float64(len(pairs))/time.Since(start).Seconds())
		}
	}
	vecs, err := m.vectors()
	if err != nil {
		return nil, err
	}
	for _, s := range strings.Split(c.show, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		fmt.Fprintf(w, "%-8s %s\n", s, strings.Join(nearest(vecs, m.vocab, m.index[s], 5), " "))
	}
	return &trained{vocab: m.vocab, index: m.index, vecs: vecs}, nil
}

func countWords(text [][]string) int {
	n := 0
	for _, s := range text {
		n += len(s)
	}
	return n
}

func newModel(dev device.Device, text [][]string, c config) *model {
	m := &model{index: map[string]int{}}
	for _, s := range text {
		for _, w := range s {
			if _, ok := m.index[w]; !ok {
				m.index[w] = len(m.vocab)
				m.vocab = append(m.vocab, w)
			}
		}
	}
	nn.ManualSeed(c.seed)
	m.in = nn.NewEmbedding(dev, len(m.vocab), c.dim, -1)
	m.out = nn.NewEmbedding(dev, len(m.vocab), c.dim, -1)
	// Small starting vectors, as word2vec's: N(0, 1) scaled by 1/dim.
	tensor.NoGrad(func() {
		for _, e := range []*nn.Embedding{m.in, m.out} {
			tensor.Assign(e.Weight, e.Weight.MulScalar(1/float32(c.dim)))
		}
	})
	return m
}

// skipGrams lists the (centre, context) pairs of every sentence.
func skipGrams(text [][]string, index map[string]int, window int) [][2]int {
	var pairs [][2]int
	for _, s := range text {
		for i, w := range s {
			for j := max(0, i-window); j <= min(len(s)-1, i+window); j++ {
				if j != i {
					pairs = append(pairs, [2]int{index[w], index[s[j]]})
				}
			}
		}
	}
	return pairs
}

// noise draws words from the unigram distribution raised to 0.75.
type noise struct{ cdf []float64 }

func newNoise(text [][]string, index map[string]int) *noise {
	counts := make([]float64, len(index))
	for _, s := range text {
		for _, w := range s {
			counts[index[w]]++
		}
	}
	cdf := make([]float64, len(counts))
	total := 0.0
	for i, c := range counts {
		total += math.Pow(c, 0.75)
		cdf[i] = total
	}
	for i := range cdf {
		cdf[i] /= total
	}
	return &noise{cdf}
}

func (n *noise) draw(r *rand.Rand) int {
	i, _ := slices.BinarySearch(n.cdf, r.Float64())
	return min(i, len(n.cdf)-1)
}

// loss is the batch's negative-sampling loss: the mean over pairs of
// −log σ(c·o) − Σ_k log σ(−c·n_k), i.e. softplus(−c·o) + Σ_k softplus(c·n_k).
func (m *model) loss(dev device.Device, batch [][2]int, noise *noise, k int, r *rand.Rand) *tensor.Tensor {
	b := len(batch)
	centre, context, neg := make([]float32, b), make([]float32, b), make([]float32, b*k)
	for i, p := range batch {
		centre[i], context[i] = float32(p[0]), float32(p[1])
		for j := range k {
			neg[i*k+j] = float32(noise.draw(r))
		}
	}
	c := m.in.Forward(tensor.FromSlice(dev, centre, b))                   // [b, d]
	o := m.out.Forward(tensor.FromSlice(dev, context, b))                 // [b, d]
	n := m.out.Forward(tensor.FromSlice(dev, neg, b, k))                  // [b, k, d]
	pos := c.Mul(o).Sum(1)                                                // [b]
	negs := c.Unsqueeze(1).Mul(n).Sum(2)                                  // [b, k]
	return pos.Neg().Softplus().Mean().Add(negs.Softplus().Sum(1).Mean()) // a scalar
}

// vectors reads the centre vectors back, one row per word.
func (m *model) vectors() ([][]float32, error) {
	data, err := m.in.Weight.Data()
	if err != nil {
		return nil, err
	}
	d := m.in.Weight.Dim(1)
	out := make([][]float32, len(m.vocab))
	for i := range out {
		out[i] = data[i*d : (i+1)*d]
	}
	return out, nil
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb+1e-30)
}

// nearest returns the k words whose vectors are closest to word i's by
// cosine.
func nearest(vecs [][]float32, vocab []string, i, k int) []string {
	order := make([]int, 0, len(vocab)-1)
	for j := range vocab {
		if j != i {
			order = append(order, j)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return cosine(vecs[i], vecs[order[a]]) > cosine(vecs[i], vecs[order[b]]) })
	out := make([]string, 0, k)
	for _, j := range order[:min(k, len(order))] {
		out = append(out, vocab[j])
	}
	return out
}
