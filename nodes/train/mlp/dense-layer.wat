;; One fully connected layer of an MLP, in 64-bit floats with 128-bit SIMD:
;;   out[i][k] = bias[k] + Σ_j x[i][j] · w[k][j]   (then max(·, 0) when relu)
;; for rows i < count and outputs k < outputs. Rows go two at a time, so each
;; pair of weight vectors is loaded once for both rows.
;;
;; Layout (byte addresses into the exported memory; JavaScript lays it out,
;; see mlp-model.ts): x is count rows of `stride` doubles; w is `outputs`
;; rows of `stride` doubles (the layer's weights transposed: one row an
;; output); `stride` is the input width rounded up to a multiple of 4 and the
;; padding holds zeros in both x and w. out has rows of `outStride` doubles;
;; only its first `outputs` of each row are written.
;;
;; This is the source of dense-layer-wasm.ts: after changing it, run
;; `node scripts/wasm.mjs` (a test checks the two agree).
(module
  (memory (export "memory") 1)
  (func (export "dense")
    (param $x i32) (param $count i32) (param $stride i32) (param $w i32) (param $bias i32)
    (param $outputs i32) (param $out i32) (param $outStride i32) (param $relu i32)
    (local $i i32) (local $k i32) (local $j i32) (local $rowBytes i32)
    (local $xa i32) (local $xb i32) (local $wk i32) (local $at i32) (local $second i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $w0 v128) (local $w1 v128)
    (local $biasK f64) (local $sumA f64) (local $sumB f64)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
        ;; The pair's second row; an odd last row is paired with itself and written once.
        (local.set $second (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $count)))
        (local.set $xb (select (i32.add (local.get $xa) (local.get $rowBytes)) (local.get $xa) (local.get $second)))
        (local.set $k (i32.const 0))
        (block $outputsDone
          (loop $outputs
            (br_if $outputsDone (i32.ge_u (local.get $k) (local.get $outputs)))
            (local.set $wk (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $a0 (f64x2.splat (f64.const 0)))
            (local.set $a1 (f64x2.splat (f64.const 0)))
            (local.set $b0 (f64x2.splat (f64.const 0)))
            (local.set $b1 (f64x2.splat (f64.const 0)))
            ;; Four doubles a step: two lanes in each of two accumulators a row.
            (local.set $j (i32.const 0))
            (block $inputsDone
              (loop $inputs
                (br_if $inputsDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $w0 (v128.load (i32.add (local.get $wk) (local.get $j))))
                (local.set $w1 (v128.load offset=16 (i32.add (local.get $wk) (local.get $j))))
                (local.set $a0 (f64x2.add (local.get $a0)
                  (f64x2.mul (v128.load (i32.add (local.get $xa) (local.get $j))) (local.get $w0))))
                (local.set $a1 (f64x2.add (local.get $a1)
                  (f64x2.mul (v128.load offset=16 (i32.add (local.get $xa) (local.get $j))) (local.get $w1))))
                (local.set $b0 (f64x2.add (local.get $b0)
                  (f64x2.mul (v128.load (i32.add (local.get $xb) (local.get $j))) (local.get $w0))))
                (local.set $b1 (f64x2.add (local.get $b1)
                  (f64x2.mul (v128.load offset=16 (i32.add (local.get $xb) (local.get $j))) (local.get $w1))))
                (local.set $j (i32.add (local.get $j) (i32.const 32)))
                (br $inputs)))
            (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
            (local.set $b0 (f64x2.add (local.get $b0) (local.get $b1)))
            (local.set $biasK (f64.load (i32.add (local.get $bias) (i32.shl (local.get $k) (i32.const 3)))))
            (local.set $sumA (f64.add (local.get $biasK)
              (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))))
            (local.set $sumB (f64.add (local.get $biasK)
              (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0)))))
            (if (local.get $relu)
              (then
                (local.set $sumA (f64.max (local.get $sumA) (f64.const 0)))
                (local.set $sumB (f64.max (local.get $sumB) (f64.const 0)))))
            (local.set $at (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $outStride)) (local.get $k)) (i32.const 3))))
            (f64.store (local.get $at) (local.get $sumA))
            (if (local.get $second)
              (then
                (f64.store (i32.add (local.get $at) (i32.shl (local.get $outStride) (i32.const 3))) (local.get $sumB))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $outputs)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))
)
