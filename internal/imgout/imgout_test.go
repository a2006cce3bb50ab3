package imgout

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestHeatmap(t *testing.T) {
	img := Heatmap([][]float32{{0, 1}, {0.5, 0}}, 3)
	if b := img.Bounds(); b.Dx() != 6 || b.Dy() != 6 {
		t.Fatalf("bounds %v", b)
	}
	for _, c := range []struct {
		x, y int
		want uint8
	}{{0, 0, 255}, {3, 0, 0}, {0, 3, 128}, {5, 5, 255}} {
		if got := img.GrayAt(c.x, c.y).Y; got != c.want {
			t.Errorf("pixel (%d, %d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
}

func TestGridAndWrite(t *testing.T) {
	px := []float32{0, 1, 1, 0, 2, -1, 0.5, 0.5} // two 2x2 images, out-of-range values clamped
	img := Grid(px, 2, 2, 2, 2)
	if b := img.Bounds(); b.Dx() != 7 || b.Dy() != 4 {
		t.Fatalf("bounds %v", b)
	}
	if img.GrayAt(2, 1).Y != 255 || img.GrayAt(4, 1).Y != 255 || img.GrayAt(5, 1).Y != 0 || img.GrayAt(0, 0).Y != 0 {
		t.Fatalf("pixels %v", img.Pix)
	}
	path := filepath.Join(t.TempDir(), "g.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := png.Decode(f)
	if err != nil || back.Bounds() != img.Bounds() {
		t.Fatalf("decode: %v %v", err, back)
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "none", "g.png"), img); err == nil {
		t.Fatal("a write into a missing folder succeeded")
	}
}
