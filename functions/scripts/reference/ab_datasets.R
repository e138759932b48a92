# Public data sets for the ab model tests (not run in CI; outputs committed):
#   Rscript scripts/reference/ab_datasets.R   (from functions/)
# R's datasets::sleep (Cushny & Peebles 1905; Student 1908): extra hours of sleep under two drugs.
# Written as unit-level rows with the drug as the variant, and R's own Welch t-test as a reference.
write.csv(data.frame(unit = seq_len(nrow(sleep)), extra = sleep$extra, drug = paste0("drug", sleep$group)),
          "test/fixtures/ab/sleep.csv", row.names = FALSE, quote = FALSE)
tt <- t.test(extra ~ group, data = sleep, var.equal = FALSE)
# t.test reports group1 - group2; the tests use drug2 - drug1.
cat(sprintf('{"estimate": %.17g, "t": %.17g, "df": %.17g, "p_value": %.17g, "ci_low": %.17g, "ci_high": %.17g, "r_version": "%s"}\n',
  -(tt$estimate[1] - tt$estimate[2]), -tt$statistic, tt$parameter, tt$p.value, -tt$conf.int[2], -tt$conf.int[1],
  R.version.string), file = "test/fixtures/ab/sleep_r_welch.json")
# prop.test's documented example (Fleiss 1981): smokers among patients in four groups;
# the tests compare group 2..4 with group 1 as binary unit-level data.
smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82)
rows <- do.call(rbind, lapply(1:4, function(g) data.frame(group = paste0("g", g),
  smoker = c(rep(1, smokers[g]), rep(0, patients[g] - smokers[g])))))
rows$unit <- seq_len(nrow(rows))
write.csv(rows[, c("unit", "group", "smoker")], "test/fixtures/ab/smokers.csv", row.names = FALSE, quote = FALSE)
