# Reference for the Grunfeld two-way fixed-effects test (not run in CI).
#
# Writes test/fixtures/did/grunfeld.csv (the `Grunfeld` data set shipped with the R package plm:
# 10 US firms x 20 years, 1935-1954, as in Baltagi, "Econometric Analysis of Panel Data") and
# test/fixtures/did/grunfeld_plm.json with plm's two-way within estimates.
#
# Published: Baltagi (2005/2013), Table 3.1, two-way within estimator:
#   value 0.118 (0.014), capital 0.358 (0.023).
#
# Run from functions/:  Rscript scripts/reference/grunfeld_plm.R
# Needs Debian packages r-base-core r-cran-plm r-cran-sandwich.
suppressPackageStartupMessages(library(plm))
data("Grunfeld", package = "plm")
out_dir <- "test/fixtures/did"
write.csv(Grunfeld[, c("firm", "year", "inv", "value", "capital")],
          file.path(out_dir, "grunfeld.csv"), row.names = FALSE)

m <- plm(inv ~ value + capital, data = Grunfeld, effect = "twoways", model = "within")
co <- summary(m)$coefficients
# Clustered by firm without any small-sample factor (HC0 sandwich) and with plm's "sss"
# factor, which counts only the 2 slope coefficients in K (not the absorbed effects).
v_hc0 <- vcovHC(m, method = "arellano", type = "HC0", cluster = "group")
v_sss <- vcovHC(m, method = "arellano", type = "sss", cluster = "group")

num <- function(x) formatC(x, digits = 17, format = "g")
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, vec), collapse = ", "), "]")
json <- paste0(
  "{\n",
  '  "provenance": {\n',
  '    "script": "functions/scripts/reference/grunfeld_plm.R",\n',
  '    "software": "R ', paste(R.version$major, R.version$minor, sep = "."),
  ", plm ", as.character(packageVersion("plm")),
  ", sandwich ", as.character(packageVersion("sandwich")), '",\n',
  '    "data": "plm::Grunfeld (10 firms x 20 years)",\n',
  '    "model": "plm(inv ~ value + capital, effect = \\"twoways\\", model = \\"within\\")",\n',
  '    "published": "Baltagi, Econometric Analysis of Panel Data, Table 3.1 (two-way within): value 0.118 (0.014), capital 0.358 (0.023)"\n',
  "  },\n",
  '  "terms": ["value", "capital"],\n',
  '  "estimate": ', vec(co[, 1]), ",\n",
  '  "std_error_classical": ', vec(co[, 2]), ",\n",
  '  "df_residual": ', df.residual(m), ",\n",
  '  "vcov_cluster_hc0": ', mat(v_hc0), ",\n",
  '  "vcov_cluster_sss": ', mat(v_sss), "\n",
  "}\n")
writeLines(json, file.path(out_dir, "grunfeld_plm.json"))
