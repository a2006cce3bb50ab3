package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// TargetInfo describes a column of the report.
type TargetInfo struct {
	Name, Backend, Device, Kind, Driver, GEMM string
	PeakGFLOPS                                float64 `json:",omitempty"`
	PeakSource                                string  `json:",omitempty"`
}

// FirstRun is the cost of a fresh process's first result on a device.
type FirstRun struct {
	Target string
	// Cache is "cold" (empty pipeline cache) or "warm" (the cache of an
	// earlier run on disk).
	Cache   string
	Seconds float64
}

// Report is everything one vkbench run measured.
type Report struct {
	Time, GoVersion, Commit, Host string
	Targets                       []TargetInfo
	Results                       []Result
	FirstRuns                     []FirstRun `json:",omitempty"`
}

// NewReport fills in the environment of the run.
func NewReport(targets []Target, results []Result) *Report {
	r := &Report{Time: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), Commit: commit(), Results: results}
	r.Host, _ = os.Hostname()
	for _, t := range targets {
		ti := TargetInfo{Name: t.Name, Backend: "host", Device: "gonum's pure-Go SGEMM, called directly", PeakSource: t.PeakSource}
		if t.Dev != nil {
			info := t.Dev.Info()
			ti.Backend, ti.Device, ti.Kind, ti.Driver, ti.GEMM = info.Backend, info.Name, info.Kind.String(), info.Driver, info.GEMM
		}
		if t.Peak > 0 {
			ti.PeakGFLOPS = t.Peak / 1e9
		}
		r.Targets = append(r.Targets, ti)
	}
	return r
}

// commit is the VCS revision of the binary, or of the working directory.
func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return "unknown"
}

// Merge joins reports into one, the targets and results of each after the
// first's, for one table of all their columns (vkgrad's devices and
// another engine's, written by scripts/torch_bench.py in the same
// format). A target whose name an earlier report used is renamed with a
// suffix.
func Merge(reps ...*Report) *Report {
	if len(reps) == 0 {
		return &Report{}
	}
	out := *reps[0]
	out.Targets = slices.Clone(out.Targets)
	out.Results = slices.Clone(out.Results)
	out.FirstRuns = slices.Clone(out.FirstRuns)
	names := map[string]bool{}
	for _, t := range out.Targets {
		names[t.Name] = true
	}
	for i, r := range reps[1:] {
		rename := map[string]string{}
		for _, t := range r.Targets {
			n := t.Name
			for k := 2; names[n]; k++ {
				n = fmt.Sprintf("%s#%d", t.Name, k)
			}
			names[n], rename[t.Name] = true, n
			t.Name = n
			out.Targets = append(out.Targets, t)
		}
		for _, res := range r.Results {
			res.Target = rename[res.Target]
			out.Results = append(out.Results, res)
		}
		for _, f := range r.FirstRuns {
			f.Target = rename[f.Target]
			out.FirstRuns = append(out.FirstRuns, f)
		}
		if r.Host != "" && r.Host != out.Host {
			out.Host += ", " + r.Host
		}
		if r.GoVersion != "" && i == 0 && r.GoVersion != out.GoVersion {
			out.GoVersion += "; " + r.GoVersion
		}
	}
	return &out
}

// reference returns, for a vkgrad target, the column of another engine
// (Backend "torch") on the same sort of hardware that its ratio is taken
// against, or "".
func (r *Report) reference(t TargetInfo) string {
	if t.Backend == "torch" || t.Backend == "host" {
		return ""
	}
	cpu := t.Kind == "cpu"
	for _, o := range r.Targets {
		if o.Backend == "torch" && (o.Kind == "cpu") == cpu {
			return o.Name
		}
	}
	return ""
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// row is one case across targets.
type row struct {
	group, name, unit string
	byTarget          map[string]Result
}

func (r *Report) rows() []row {
	var rows []row
	idx := map[string]int{}
	for _, res := range r.Results {
		key := res.Group + "\x00" + res.Name
		i, ok := idx[key]
		if !ok {
			i = len(rows)
			idx[key] = i
			rows = append(rows, row{group: res.Group, name: res.Name, unit: res.Unit, byTarget: map[string]Result{}})
		}
		rows[i].byTarget[res.Target] = res
	}
	return rows
}

// cpuTarget is the name of the CPU column that ratios are taken against.
func (r *Report) cpuTarget() string {
	for _, t := range r.Targets {
		if t.Backend == "cpu" {
			return t.Name
		}
	}
	return ""
}

func fmtRate(v float64) string {
	switch {
	case v == 0:
		return "-"
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// columns returns the header and the cells of the table: a rate per
// target, then per non-CPU device its ratio to the CPU and its fraction of
// peak.
func (r *Report) columns() ([]string, [][]string) {
	cpu := r.cpuTarget()
	head := []string{"group", "case", "unit"}
	for _, t := range r.Targets {
		head = append(head, t.Name)
	}
	var gpus []TargetInfo
	for _, t := range r.Targets {
		if t.Backend != "cpu" && t.Backend != "host" && t.Backend != "torch" {
			gpus = append(gpus, t)
			if cpu != "" {
				head = append(head, t.Name+"/"+cpu)
			}
			if t.PeakGFLOPS > 0 {
				head = append(head, t.Name+" % peak")
			}
		}
	}
	var refs [][2]string // vkgrad target, the other engine's column
	for _, t := range r.Targets {
		if ref := r.reference(t); ref != "" {
			refs = append(refs, [2]string{t.Name, ref})
			head = append(head, t.Name+"/"+ref)
		}
	}
	var cells [][]string
	for _, rw := range r.rows() {
		line := []string{rw.group, rw.name, rw.unit}
		for _, t := range r.Targets {
			line = append(line, fmtRate(rw.byTarget[t.Name].Rate))
		}
		for _, g := range gpus {
			res, ok := rw.byTarget[g.Name]
			if cpu != "" {
				c, cok := rw.byTarget[cpu]
				if ok && cok && c.Rate > 0 && res.Rate > 0 {
					line = append(line, fmt.Sprintf("%.2f×", res.Rate/c.Rate))
				} else {
					line = append(line, "-")
				}
			}
			if g.PeakGFLOPS > 0 {
				if ok && res.PeakFraction > 0 {
					line = append(line, fmt.Sprintf("%.1f%%", 100*res.PeakFraction))
				} else {
					line = append(line, "-")
				}
			}
		}
		for _, p := range refs {
			a, aok := rw.byTarget[p[0]]
			b, bok := rw.byTarget[p[1]]
			if aok && bok && a.Rate > 0 && b.Rate > 0 {
				line = append(line, fmt.Sprintf("%.2f×", a.Rate/b.Rate))
			} else {
				line = append(line, "-")
			}
		}
		cells = append(cells, line)
	}
	return head, cells
}

// WriteTable writes the terminal table.
func (r *Report) WriteTable(w io.Writer) error {
	for _, t := range r.Targets {
		peak := ""
		if t.PeakGFLOPS > 0 {
			peak = fmt.Sprintf("; fp32 peak %.0f GFLOP/s (%s)", t.PeakGFLOPS, t.PeakSource)
		}
		fmt.Fprintf(w, "%-10s %s %s%s\n", t.Name, t.Device, t.Driver, peak)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head, cells := r.columns()
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, c := range cells {
		fmt.Fprintln(tw, strings.Join(c, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range r.FirstRuns {
		fmt.Fprintf(w, "first result in a new process on %s, %s pipeline cache: %.2f s\n", f.Target, f.Cache, f.Seconds)
	}
	fmt.Fprintf(w, "timing: %s; rates are medians of the timed runs\n", r.timingNote())
	if n := r.outsideNote(); n != "" {
		fmt.Fprintf(w, "outside GEMM: %s\n", n)
	}
	return nil
}

// outsideNote lists the share of each timed training run spent outside
// the matrix products, where the device measured it: "cpu: mlp step
// (batch 128) 31%, ...".
func (r *Report) outsideNote() string {
	var parts []string
	for _, res := range r.Results {
		if res.OutsideGEMM > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s %.0f%%", res.Target, res.Name, 100*res.OutsideGEMM))
		}
	}
	return strings.Join(parts, ", ")
}

// timingNote says how each target's rows were timed: "cpu wall-clock,
// vulkan:0 gpu-timestamps (gemm, pool) and wall-clock (train)".
func (r *Report) timingNote() string {
	groups := map[string]map[string][]string{} // target → timing → groups
	var targets []string
	for _, res := range r.Results {
		if groups[res.Target] == nil {
			groups[res.Target] = map[string][]string{}
			targets = append(targets, res.Target)
		}
		g := groups[res.Target]
		if !slices.Contains(g[res.Timing], res.Group) {
			g[res.Timing] = append(g[res.Timing], res.Group)
		}
	}
	var parts []string
	for _, t := range targets {
		var ts []string
		for timing := range groups[t] {
			ts = append(ts, timing)
		}
		sortStrings(ts)
		if len(ts) == 1 {
			parts = append(parts, t+" "+ts[0])
			continue
		}
		for i, timing := range ts {
			ts[i] = fmt.Sprintf("%s (%s)", timing, strings.Join(groups[t][timing], ", "))
		}
		parts = append(parts, t+" "+strings.Join(ts, " and "))
	}
	return strings.Join(parts, ", ")
}

// WriteMarkdown writes the table in Markdown, for the README.
func (r *Report) WriteMarkdown(w io.Writer) error {
	head, cells := r.columns()
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, c := range cells {
		fmt.Fprintf(w, "| %s |\n", strings.Join(c, " | "))
	}
	fmt.Fprintln(w)
	for _, t := range r.Targets {
		fmt.Fprintf(w, "- `%s`: %s %s\n", t.Name, t.Device, t.Driver)
	}
	for _, f := range r.FirstRuns {
		fmt.Fprintf(w, "- first result in a new process on `%s`, %s pipeline cache: %.2f s\n", f.Target, f.Cache, f.Seconds)
	}
	fmt.Fprintf(w, "- timing: %s\n", r.timingNote())
	if n := r.outsideNote(); n != "" {
		fmt.Fprintf(w, "- the share of a step outside GEMM: %s\n", n)
	}
	_, err := fmt.Fprintf(w, "\n(Go %s, commit %s, %s)\n", r.GoVersion, r.Commit, r.Time)
	return err
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
