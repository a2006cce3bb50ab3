package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRelatedWordsNearer trains briefly on the CPU and checks that the
// words of each class come out nearer one another than to the words of
// other classes, and that most of each shown word's neighbours share its
// class.
func TestRelatedWordsNearer(t *testing.T) {
	c := config{device: "cpu", sentences: 5000, dim: 24, window: 2, negatives: 5, epochs: 2, batch: 512, lr: 0.01, seed: 3, show: "cat,tea", quiet: true}
	var out bytes.Buffer
	m, err := run(c, &out)
	if err != nil {
		t.Fatal(err)
	}
	vecs := m.vecs
	classOf := map[string]string{}
	for name, words := range classes {
		for _, w := range words {
			classOf[w] = name
		}
	}
	for name, words := range classes {
		var within, across []float64
		for _, a := range words {
			for w, cl := range classOf {
				if w == a {
					continue
				}
				s := cosine(vecs[m.index[a]], vecs[m.index[w]])
				if cl == name {
					within = append(within, s)
				} else {
					across = append(across, s)
				}
			}
		}
		if mw, ma := mean(within), mean(across); mw < ma+0.3 {
			t.Errorf("%s: mean cosine %.2f within the class, %.2f to other classes", name, mw, ma)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Fields(line)
		same := 0
		for _, n := range f[1:] {
			if classOf[n] == classOf[f[0]] {
				same++
			}
		}
		if same < 4 {
			t.Errorf("neighbours of %s: %v, %d of 5 in its class", f[0], f[1:], same)
		}
	}
	t.Log(out.String())
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-dim", "0"}, {"-lr", "NaN"}, {"-window", "-1"}, {"-show", "unicorn", "-sentences", "10", "-epochs", "1", "-device", "cpu"}} {
		var stdout, stderr bytes.Buffer
		if code := mainStatus(args, &stdout, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "word2vec: ") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q", args, code, stderr.String())
		}
	}
}
