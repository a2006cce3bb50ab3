// Command dcgan trains a deep convolutional GAN on MNIST and writes a grid
// of generated digits as a PNG after each epoch.
//
//	go run ./cmd/dcgan                                # 1 epoch on the best device
//	go run ./cmd/dcgan -device cpu -epochs 5 -out samples/
//
// The generator turns a 100-number noise vector into a 28×28 image:
// ConvTranspose2d to 7×7 (128 channels), batch norm and ReLU, a stride-2
// ConvTranspose2d to 14×14 (64), batch norm and ReLU, another to 28×28 and
// tanh. The discriminator mirrors it with stride-2 convolutions, leaky
// ReLUs (0.2) and batch norm, to one logit. Both train with BCE with
// logits and Adam (lr 2e-4, β1 0.5), their convolutions initialised from
// N(0, 0.02), as in the DCGAN paper.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/datasets/mnist"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/internal/imgout"
	"github.com/vkgrad/vkgrad/nn"
	"github.com/vkgrad/vkgrad/tensor"
)

type config struct {
	device, data, out        string
	epochs, batch, limit, nz int
	gWidth, dWidth, every    int
	lr, beta1                float64
	seed                     uint64
	quiet                    bool
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

func mainStatus(args []string, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("dcgan", flag.ContinueOnError)
	cli.DeviceFlag(fs, &c.device)
	fs.StringVar(&c.data, "data", "", "folder of the MNIST files (default: the copy the build downloads)")
	fs.StringVar(&c.out, "out", ".", "folder the sample grids dcgan-epoch-N.png go to")
	fs.IntVar(&c.epochs, "epochs", 1, "passes over the training images")
	fs.IntVar(&c.batch, "batch", 64, "images per step")
	fs.IntVar(&c.limit, "limit", 0, "train on the first N images only (0: all 60,000)")
	fs.IntVar(&c.nz, "nz", 100, "noise vector size")
	fs.IntVar(&c.gWidth, "g", 64, "generator width (channels of its 14×14 layer; 7×7 has twice as many)")
	fs.IntVar(&c.dWidth, "d", 64, "discriminator width (channels of its 14×14 layer; 7×7 has twice as many)")
	fs.IntVar(&c.every, "every", 100, "print the losses every this many steps")
	fs.Float64Var(&c.lr, "lr", 2e-4, "Adam's learning rate, both networks")
	fs.Float64Var(&c.beta1, "beta1", 0.5, "Adam's β1, both networks")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the weights, the noise and the shuffling")
	fs.BoolVar(&c.quiet, "quiet", false, "print only the last losses")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return cli.Exit("dcgan", err, stderr)
	}
	checks := []error{cli.AtLeast("epochs", c.epochs, 1), cli.AtLeast("batch", c.batch, 2), cli.AtLeast("limit", c.limit, 0),
		cli.AtLeast("nz", c.nz, 1), cli.AtLeast("g", c.gWidth, 1), cli.AtLeast("d", c.dWidth, 1), cli.AtLeast("every", c.every, 1),
		cli.Positive("lr", c.lr), cli.Positive("beta1", c.beta1)}
	if c.beta1 >= 1 {
		checks = append(checks, fmt.Errorf("-beta1 %v: must be below 1", c.beta1))
	}
	if st, err := os.Stat(c.out); err != nil || !st.IsDir() {
		checks = append(checks, fmt.Errorf("-out %s: not a folder", c.out))
	}
	if err := errors.Join(checks...); err != nil {
		return cli.Exit("dcgan", err, stderr)
	}
	return cli.Run("dcgan", stderr, func() error { _, err := run(c, stdout); return err })
}

// normal02 is DCGAN's initialisation: N(0, 0.02).
func normal02(dev device.Device, seed uint64, _, _ int, shape ...int) *tensor.Tensor {
	return tensor.RandNormal(dev, seed, 0, 0.02, shape...)
}

// newGenerator maps noise [N, nz, 1, 1] to images [N, 1, 28, 28] in [−1, 1].
func newGenerator(dev device.Device, c config) *nn.Sequential {
	init := nn.WithInit(normal02)
	g := c.gWidth
	return nn.NewSequential(
		nn.NewConvTranspose2d(dev, c.nz, 2*g, 7, init, nn.WithoutBias()), nn.NewBatchNorm2d(dev, 2*g), nn.ReLU(), // 7×7
		nn.NewConvTranspose2d(dev, 2*g, g, 4, nn.Stride(2), nn.Padding(1), init, nn.WithoutBias()), nn.NewBatchNorm2d(dev, g), nn.ReLU(), // 14×14
		nn.NewConvTranspose2d(dev, g, 1, 4, nn.Stride(2), nn.Padding(1), init), nn.Tanh(), // 28×28
	)
}

// newDiscriminator maps images [N, 1, 28, 28] to logits [N, 1].
func newDiscriminator(dev device.Device, c config) *nn.Sequential {
	init := nn.WithInit(normal02)
	d := c.dWidth
	return nn.NewSequential(
		nn.NewConv2d(dev, 1, d, 4, nn.Stride(2), nn.Padding(1), init), nn.LeakyReLU(0.2), // 14×14
		nn.NewConv2d(dev, d, 2*d, 4, nn.Stride(2), nn.Padding(1), init, nn.WithoutBias()), nn.NewBatchNorm2d(dev, 2*d), nn.LeakyReLU(0.2), // 7×7
		nn.NewConv2d(dev, 2*d, 1, 7, init), nn.NewFlatten(), // 1×1
	)
}

// step is one step's losses: the discriminator's (on real and fake
// together) and the generator's.
type step struct{ d, g float64 }

func run(c config, w io.Writer) ([]step, error) {
	dir := c.data
	var err error
	if dir == "" {
		if dir, err = mnist.DefaultDir(); err != nil {
			return nil, err
		}
	}
	train, _, err := mnist.Load(dir)
	if err != nil {
		return nil, err
	}
	n := train.N
	if c.limit > 0 {
		n = min(n, c.limit)
	}
	dev, err := vkgrad.Open(c.device)
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	nn.ManualSeed(c.seed)
	gen, disc := newGenerator(dev, c), newDiscriminator(dev, c)
	cfg := nn.AdamConfig{LR: float32(c.lr), Beta1: float32(c.beta1), Beta2: 0.999}
	optG, optD := nn.NewAdam(gen.Params(), cfg), nn.NewAdam(disc.Params(), cfg)
	defer optG.Release()
	defer optD.Release()
	if !c.quiet {
		fmt.Fprintf(w, "device: %v\ndata: %d training images; generator %d, discriminator %d parameters\n", dev.Info(), n, count(gen), count(disc))
	}
	px := train.Pixels()
	images := make([]float32, c.batch*px)
	ones := tensor.Keep(tensor.Ones(dev, c.batch, 1))
	zeros := tensor.Keep(tensor.Zeros(dev, c.batch, 1))
	fixed := tensor.Keep(tensor.RandNormal(dev, c.seed+1, 0, 1, 64, c.nz, 1, 1)) // the grids' noise
	defer func() { ones.Release(); zeros.Release(); fixed.Release() }()
	r := rand.New(rand.NewPCG(c.seed, 5))
	var steps []step
	noise := tensor.NewGenerator(c.seed + 2) // a fresh draw each step
	start := time.Now()
	for epoch := 1; epoch <= c.epochs; epoch++ {
		perm := r.Perm(n)
		for at := 0; at+c.batch <= n; at += c.batch {
			for i, k := range perm[at : at+c.batch] {
				for j, v := range train.Images[k*px : (k+1)*px] {
					images[i*px+j] = 2*v - 1 // [0, 1] to tanh's [−1, 1]
				}
			}
			var lossD, lossG *tensor.Tensor
			tensor.Tidy(func() {
				real := tensor.FromSlice(dev, images, c.batch, 1, train.Rows, train.Cols)
				fake := gen.Forward(noise.Randn(dev, c.batch, c.nz, 1, 1))
				// The discriminator learns real from fake.
				dl := nn.BCEWithLogits(disc.Forward(real), ones).Add(nn.BCEWithLogits(disc.Forward(fake.Detach()), zeros))
				dl.Backward()
				optD.Step()
				optD.ZeroGrad()
				// The generator learns to be taken for real.
				gl := nn.BCEWithLogits(disc.Forward(fake), ones)
				gl.Backward()
				optG.Step()
				optG.ZeroGrad()
				optD.ZeroGrad()
				lossD, lossG = tensor.Keep(dl), tensor.Keep(gl)
			})
			d, err := lossD.Item()
			if err != nil {
				return steps, err
			}
			g, err := lossG.Item()
			if err != nil {
				return steps, err
			}
			lossD.Release()
			lossG.Release()
			steps = append(steps, step{float64(d), float64(g)})
			if !c.quiet && len(steps)%c.every == 0 {
				fmt.Fprintf(w, "epoch %d step %d  D loss %.3f  G loss %.3f  (%.0f images/s)\n", epoch, len(steps), d, g, float64(len(steps)*c.batch)/time.Since(start).Seconds())
			}
		}
		path := filepath.Join(c.out, fmt.Sprintf("dcgan-epoch-%d.png", epoch))
		if err := writeGrid(gen, fixed, path); err != nil {
			return steps, err
		}
		if !c.quiet {
			fmt.Fprintf(w, "epoch %d: wrote %s\n", epoch, path)
		}
	}
	if len(steps) > 0 {
		last := steps[len(steps)-1]
		fmt.Fprintf(w, "after %d steps: D loss %.3f, G loss %.3f\n", len(steps), last.d, last.g)
	}
	return steps, nil
}

func count(m nn.Module) int {
	n := 0
	for _, p := range m.Params() {
		if !p.Buffer {
			n += p.Tensor.Size()
		}
	}
	return n
}

// writeGrid draws the generator's images for the fixed noise as an 8×8
// grid (batch statistics, as during training).
func writeGrid(gen nn.Module, z *tensor.Tensor, path string) error {
	var px []float32
	var err error
	tensor.NoGrad(func() {
		tensor.Tidy(func() {
			px, err = gen.Forward(z).AddScalar(1).MulScalar(0.5).Data()
		})
	})
	if err != nil {
		return err
	}
	for _, v := range px {
		if math.IsNaN(float64(v)) {
			return fmt.Errorf("dcgan: the generator produced NaN")
		}
	}
	return imgout.WritePNG(path, imgout.Grid(px, z.Dim(0), 28, 28, 8))
}
