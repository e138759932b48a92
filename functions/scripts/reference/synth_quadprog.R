# Cross-check of the simplex least-squares references with R quadprog (Goldfarb-Idnani dual
# active set; exact up to rounding when the Hessian is positive definite). Run from functions/
# after synth_reference.py:   Rscript scripts/reference/synth_quadprog.R
# Debian packages r-cran-quadprog 1.5-8, r-cran-jsonlite 1.8.4. Writes quadprog.json.
library(quadprog)
library(jsonlite)
ref <- fromJSON("test/fixtures/synth/reference.json", simplifyVector = FALSE)
out <- list(provenance = list(script = "functions/scripts/reference/synth_quadprog.R",
                               quadprog = as.character(packageVersion("quadprog")),
                               R = R.version.string),
            random_qp = list())
for (p in ref$random_qp) {
  X <- do.call(rbind, lapply(p$X, unlist)); y <- unlist(p$y); J <- ncol(X)
  D <- crossprod(X); d <- drop(crossprod(X, y))
  ok <- min(eigen(D, symmetric = TRUE, only.values = TRUE)$values) > 1e-10 * max(diag(D))
  if (!ok) { out$random_qp[[length(out$random_qp) + 1]] <- list(w = NULL, note = "Hessian singular (T < J): quadprog needs positive definite D"); next }
  A <- cbind(rep(1, J), diag(J)); b <- c(1, rep(0, J))
  s <- solve.QP(D, d, A, b, meq = 1)
  w <- pmax(s$solution, 0)
  out$random_qp[[length(out$random_qp) + 1]] <- list(w = w, max_diff_vs_nnls = max(abs(w - unlist(p$w_nnls))))
}
write_json(out, "test/fixtures/synth/quadprog.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
for (q in out$random_qp) print(q$max_diff_vs_nnls)
