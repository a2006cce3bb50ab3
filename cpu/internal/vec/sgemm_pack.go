package vec

// operands are Sgemm's A and B as given: op(A) is A, or Aᵀ when transA.
type operands struct {
	transA, transB bool
	a, b           []float32
	lda, ldb       int
}

// packB writes columns j0 … j0+w-1 (w ≤ 48) of op(B), rows p0 … p0+kc-1,
// into dst as kc runs of 48 (zeros past w).
func (o *operands) packB(dst []float32, j0, w, p0, kc int) {
	dst = dst[:kc*sgemmNR]
	if !o.transB { // B is k×n: each k is a run of w floats
		if w == sgemmNR {
			_ = o.b[(p0+kc-1)*o.ldb+j0+sgemmNR-1]
			copyStrips48(&o.b[p0*o.ldb+j0], o.ldb, &dst[0], kc)
			return
		}
		for kk := range kc {
			row := dst[kk*sgemmNR : (kk+1)*sgemmNR]
			copy(row, o.b[(p0+kk)*o.ldb+j0:][:w])
			clear(row[w:])
		}
		return
	}
	// B is n×k: column j of op(B) is row j of B; eight rows at a time are
	// transposed into eight-float runs.
	blocks := kc / 8
	for g := 0; g < sgemmNR; g += 8 {
		rows := min(8, max(0, w-g))
		kk0 := 0
		if rows == 8 && blocks > 0 {
			transpose8(&o.b[(j0+g)*o.ldb+p0], o.ldb, &dst[g], sgemmNR, blocks)
			kk0 = 8 * blocks
		}
		for kk := kk0; kk < kc; kk++ {
			out := dst[kk*sgemmNR+g : kk*sgemmNR+g+8]
			for r := range 8 {
				if r < rows {
					out[r] = o.b[(j0+g+r)*o.ldb+p0+kk]
				} else {
					out[r] = 0
				}
			}
		}
	}
}

// packA writes rows i0 … i0+h-1 (h ≤ 8) of op(A), columns p0 … p0+kc-1,
// into dst as kc runs of 8 (zeros past h).
func (o *operands) packA(dst []float32, i0, h, p0, kc int) {
	dst = dst[:kc*sgemmMR]
	if o.transA { // A is k×m: each k is a run of h floats
		if h == sgemmMR {
			_ = o.a[(p0+kc-1)*o.lda+i0+sgemmMR-1]
			copyStrips8(&o.a[p0*o.lda+i0], o.lda, &dst[0], kc)
			return
		}
		for kk := range kc {
			run := dst[kk*sgemmMR : (kk+1)*sgemmMR]
			copy(run, o.a[(p0+kk)*o.lda+i0:][:h])
			clear(run[h:])
		}
		return
	}
	kk0 := 0
	if blocks := kc / 8; h == sgemmMR && blocks > 0 {
		transpose8(&o.a[i0*o.lda+p0], o.lda, &dst[0], sgemmMR, blocks)
		kk0 = 8 * blocks
	}
	for kk := kk0; kk < kc; kk++ {
		run := dst[kk*sgemmMR : (kk+1)*sgemmMR]
		for r := range sgemmMR {
			if r < h {
				run[r] = o.a[(i0+r)*o.lda+p0+kk]
			} else {
				run[r] = 0
			}
		}
	}
}

// kernelTile multiplies a packed A panel (kc runs of 8) by a packed B
// panel (kc runs of 48) into the h×w tile of C at c (row stride ldc):
// set (acc 0) or added to (acc 1), scaled by alpha; straight into C when
// the tile is whole, through scratch at the edges.
func kernelTile(kc int, ap, bp, c []float32, ldc, h, w int, alpha float32, acc int, scratch *[sgemmMR * sgemmNR]float32) {
	_, _ = ap[kc*sgemmMR-1], bp[kc*sgemmNR-1]
	if h == sgemmMR && w == sgemmNR {
		_ = c[(sgemmMR-1)*ldc+sgemmNR-1]
		sgemmKernel8x48(kc, &ap[0], &bp[0], &c[0], ldc, alpha, acc)
		return
	}
	// A narrow last panel runs only the vectors that hold its columns.
	switch {
	case w <= 16:
		sgemmKernel8x16(kc, &ap[0], &bp[0], &scratch[0], sgemmNR, alpha)
	case w <= 32:
		sgemmKernel8x32(kc, &ap[0], &bp[0], &scratch[0], sgemmNR, alpha)
	default:
		sgemmKernel8x48(kc, &ap[0], &bp[0], &scratch[0], sgemmNR, alpha, 0)
	}
	for r := range h {
		row := c[r*ldc : r*ldc+w]
		tileRow := scratch[r*sgemmNR : r*sgemmNR+w]
		if acc == 1 {
			for j, v := range tileRow {
				row[j] += v
			}
		} else {
			copy(row, tileRow)
		}
	}
}
