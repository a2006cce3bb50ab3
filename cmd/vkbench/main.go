// Command vkbench runs vkgrad's benchmark suite on every device side by
// side: GEMM, convolution, pooling, losses, elementwise ops and training
// steps, with gonum's SGEMM and each GPU's fp32 peak as references, and the
// cost of a new process's first result with a cold and a warm pipeline
// cache.
//
//	go run ./cmd/vkbench -quick              # a subset, under a minute even on lavapipe
//	go run ./cmd/vkbench -json r.json -md r.md -plot gemm.svg
//	go run ./cmd/vkbench -devices cpu,vulkan:0,gonum
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/vkgrad/vkgrad"
	"github.com/vkgrad/vkgrad/bench"
	"github.com/vkgrad/vkgrad/device"
	"github.com/vkgrad/vkgrad/device/vulkan"
	"github.com/vkgrad/vkgrad/internal/cli"
	"github.com/vkgrad/vkgrad/tensor"
)

type config struct {
	devices, jsonPath, mdPath, plotPath, groups string
	from, casesPath, match                      string
	quick, noFirstRun                           bool
	reps                                        int
}

func main() {
	os.Exit(mainStatus(os.Args[1:], os.Stdout, os.Stderr))
}

// mainStatus runs the command with args and returns its exit status: every
// failure is one line on stderr and status 1.
func mainStatus(args []string, stdout, stderr io.Writer) int {
	c, child, err := parseArgs(args, stderr)
	if err != nil {
		return cli.Exit("vkbench", err, stderr)
	}
	if child != "" {
		return cli.Exit("vkbench", firstResult(child), stderr)
	}
	var err2 error
	if err := tensor.Try(func() { err2 = run(c, stdout) }); err != nil {
		return cli.Exit("vkbench", err, stderr) // a device out of memory
	}
	return cli.Exit("vkbench", err2, stderr)
}

// parseArgs reads the flags and checks them, and the paths the reports
// go to, before any benchmark runs.
func parseArgs(args []string, stderr io.Writer) (config, string, error) {
	var c config
	fs := flag.NewFlagSet("vkbench", flag.ContinueOnError)
	fs.StringVar(&c.devices, "devices", "all", `comma-separated devices ("cpu", "vulkan:N", "gonum" for the host reference); "all" is every device and gonum`)
	fs.BoolVar(&c.quick, "quick", false, "run a small subset (under a minute on a software GPU)")
	fs.StringVar(&c.jsonPath, "json", "", "write the results as JSON to this .json file")
	fs.StringVar(&c.mdPath, "md", "", "write the table as Markdown to this .md file")
	fs.StringVar(&c.plotPath, "plot", "", "plot GFLOP/s against n for the square GEMMs into this .svg or .png file")
	fs.StringVar(&c.groups, "groups", "", "only these case groups (comma-separated: "+strings.Join(groupNames(), ", ")+")")
	fs.StringVar(&c.match, "run", "", "only the cases whose name matches this regular expression (with -groups: the cases of those groups that match)")
	fs.IntVar(&c.reps, "reps", 0, "timed runs per case (default 3 with -quick, else at least 5 and 1 s)")
	fs.BoolVar(&c.noFirstRun, "no-first-run", false, "skip the first-result measurement (it starts new processes)")
	fs.StringVar(&c.from, "from", "", "render the reports of earlier -json files instead of running (comma-separated: one table of all their columns, such as vkgrad's and scripts/torch_bench.py's)")
	fs.StringVar(&c.casesPath, "cases", "", "write the cases (names, units, what each computes) as JSON to this .json file and exit, for other engines to run the same work (scripts/torch_bench.py)")
	child := fs.String("first-run-child", "", "internal: open this device, compute one result, exit")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return c, "", err
	}
	return c, *child, c.check()
}

// groupNames lists the suite's case groups in order.
func groupNames() []string {
	var names []string
	for _, cs := range bench.Suite(false) {
		if !slices.Contains(names, cs.Group) {
			names = append(names, cs.Group)
		}
	}
	return names
}

// check validates a configuration before anything runs.
func (c config) check() error {
	checks := []error{
		cli.AtLeast("reps", c.reps, 0),
		cli.OutputPath("json", c.jsonPath, ".json"),
		cli.OutputPath("md", c.mdPath, ".md"),
		cli.OutputPath("plot", c.plotPath, ".svg", ".png"),
		cli.OutputPath("cases", c.casesPath, ".json"),
		cli.Distinct(map[string]string{"json": c.jsonPath, "md": c.mdPath, "plot": c.plotPath, "cases": c.casesPath}),
	}
	if c.from != "" {
		for _, f := range strings.Split(c.from, ",") {
			checks = append(checks, cli.InputFile("from", f))
		}
	}
	if c.groups != "" {
		names, asked := groupNames(), strings.Split(c.groups, ",")
		for i, g := range asked {
			asked[i] = strings.TrimSpace(g)
			checks = append(checks, cli.OneOf("groups", asked[i], names...))
		}
		if c.plotPath != "" && c.from == "" && !slices.Contains(asked, "gemm") {
			checks = append(checks, fmt.Errorf("-plot %s draws the square GEMMs, which -groups %s leaves out", c.plotPath, c.groups))
		}
	}
	if c.match != "" {
		if _, err := regexp.Compile(c.match); err != nil {
			checks = append(checks, fmt.Errorf("-run %q: %v", c.match, err))
		} else if c.from == "" && len(selectCases(c)) == 0 {
			checks = append(checks, fmt.Errorf("-run %q: no case of the %s suite matches", c.match, map[bool]string{true: "quick", false: "full"}[c.quick]))
		}
	}
	for _, d := range strings.Split(c.devices, ",") {
		if strings.TrimSpace(d) == "" {
			checks = append(checks, fmt.Errorf("-devices %q: an empty device name", c.devices))
			break
		}
	}
	return errors.Join(checks...)
}

// firstResult is what the child process does: open a device and read back
// the result of a small network's forward pass.
func firstResult(spec string) error {
	d, err := vkgrad.Open(spec)
	if err != nil {
		return err
	}
	defer d.Close()
	x := tensor.RandUniform(d, 1, 0, 1, 64, 784)
	w := tensor.RandNormal(d, 2, 0, 1, 128, 784)
	y := tensor.Linear(x, w, nil, device.UnaryReLU, 0).Softmax(1).Sum()
	_, err = y.Item()
	return err
}

// measureFirstRun times new processes computing a first result on spec,
// with an empty pipeline cache and then with the one the first left.
func measureFirstRun(spec string) ([]bench.FirstRun, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vkbench-cache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var out []bench.FirstRun
	for _, cache := range []string{"cold", "warm"} {
		cmd := exec.Command(exe, "-first-run-child", spec)
		cmd.Env = append(os.Environ(), "VKGRAD_CACHE_DIR="+dir, "VKGRAD_PROFILE=0")
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("first result on %s: %w", spec, err)
		}
		out = append(out, bench.FirstRun{Target: spec, Cache: cache, Seconds: time.Since(start).Seconds()})
	}
	return out, nil
}

func targetsFor(spec string) ([]string, error) {
	if spec != "all" {
		return strings.Split(spec, ","), nil
	}
	specs := []string{"cpu"}
	if devs, err := vulkan.Devices(); err == nil {
		for i := range devs {
			specs = append(specs, fmt.Sprintf("vulkan:%d", i))
		}
	}
	return append(specs, "gonum"), nil
}

func run(c config, w io.Writer) error {
	if c.from != "" {
		var reps []*bench.Report
		for _, f := range strings.Split(c.from, ",") {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			var rep bench.Report
			if err := json.Unmarshal(b, &rep); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			reps = append(reps, &rep)
		}
		return writeReports(c, bench.Merge(reps...), w)
	}
	if c.casesPath != "" {
		var infos []bench.CaseInfo
		for _, cs := range selectCases(c) {
			infos = append(infos, cs.Info())
		}
		f, err := os.OpenFile(c.casesPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		if err := enc.Encode(infos); err != nil {
			f.Close()
			return err
		}
		fmt.Fprintf(w, "wrote %d cases to %s\n", len(infos), c.casesPath)
		return f.Close()
	}
	specs, err := targetsFor(c.devices)
	if err != nil {
		return err
	}
	// GPU timestamps time the Vulkan runs (without the profile table).
	os.Setenv("VKGRAD_PROFILE", "timestamps")
	var targets []bench.Target
	for _, s := range specs {
		s = strings.TrimSpace(s)
		if s == "gonum" {
			targets = append(targets, bench.Target{Name: "gonum"})
			continue
		}
		d, err := vkgrad.Open(s)
		if err != nil {
			return err
		}
		defer d.Close()
		peak, source := bench.Peak(d)
		targets = append(targets, bench.Target{Name: s, Dev: d, Peak: peak, PeakSource: source})
	}
	cases := selectCases(c)
	o := bench.Options{Warmup: 2, Reps: 5, MaxReps: 50, MinTime: time.Second}
	if c.quick {
		o = bench.Options{Warmup: 1, Reps: 3, MaxReps: 3}
	}
	if c.reps > 0 {
		o.Reps, o.MaxReps = c.reps, max(o.MaxReps, c.reps)
	}
	results := bench.Run(cases, targets, o, os.Stderr)
	rep := bench.NewReport(targets, results)
	if !c.noFirstRun {
		for _, t := range targets {
			if t.Dev == nil {
				continue
			}
			fr, err := measureFirstRun(t.Name)
			if err != nil {
				return err
			}
			rep.FirstRuns = append(rep.FirstRuns, fr...)
		}
	}
	return writeReports(c, rep, w)
}

// writeReports writes the table to w and the files the flags ask for.
func writeReports(c config, rep *bench.Report, w io.Writer) error {
	if err := rep.WriteTable(w); err != nil {
		return err
	}
	write := func(path string, fn func(io.Writer) error) error {
		if path == "" {
			return nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", path)
		return f.Close()
	}
	if err := write(c.jsonPath, rep.WriteJSON); err != nil {
		return err
	}
	if err := write(c.mdPath, rep.WriteMarkdown); err != nil {
		return err
	}
	if c.plotPath != "" {
		if err := rep.Plot(c.plotPath); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", c.plotPath)
	}
	return nil
}

// selectCases is the suite, quick or full, limited to -groups and -run (a
// valid regular expression, as check makes sure).
func selectCases(c config) []bench.Case {
	keep := map[string]bool{}
	for _, g := range strings.Split(c.groups, ",") {
		keep[strings.TrimSpace(g)] = true
	}
	var match *regexp.Regexp
	if c.match != "" {
		match = regexp.MustCompile(c.match)
	}
	var sel []bench.Case
	for _, cs := range bench.Suite(c.quick) {
		if (c.groups == "" || keep[cs.Group]) && (match == nil || match.MatchString(cs.Name)) {
			sel = append(sel, cs)
		}
	}
	return sel
}
