# R's forecast package on the same M3-layout files as `bacuda forecast evaluate`.
# Usage: Rscript r_reference.R TRAIN.csv TEST.csv METHODS [MAX_SERIES_FOR_SLOW]
#   METHODS: comma list of snaive,thetaf,ets,auto.arima
#   MAX_SERIES_FOR_SLOW: ets and auto.arima run on the first N series only (0 = all)
# Prints one JSON line per method: {"method":..,"series":..,"smape":..,"mase":..,"coverage95":..,"seconds":..}
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
train <- read.csv(args[1], stringsAsFactors = FALSE, colClasses = "character")
test <- read.csv(args[2], stringsAsFactors = FALSE, colClasses = "character")
methods <- strsplit(if (length(args) >= 3) args[3] else "snaive,thetaf", ",")[[1]]
max_slow <- if (length(args) >= 4) as.integer(args[4]) else 0L
stopifnot(all(train$series == test$series))
parse_vals <- function(s) as.numeric(strsplit(trimws(s), " +")[[1]])

run <- function(method, idx) {
  smape <- c(); mase <- c(); cover <- c()
  t0 <- proc.time()[["elapsed"]]
  fcs <- vector("list", length(idx))
  for (j in seq_along(idx)) {
    i <- idx[j]
    y <- ts(parse_vals(train$values[i]), frequency = 12,
            start = c(as.integer(train$start_year[i]), as.integer(train$start_month[i])))
    h <- length(parse_vals(test$values[i]))
    fcs[[j]] <- switch(method,
      snaive = snaive(y, h = h, level = 95),
      thetaf = thetaf(y, h = h, level = 95),
      ets = forecast(ets(y), h = h, level = 95),
      auto.arima = forecast(auto.arima(y), h = h, level = 95))
  }
  secs <- proc.time()[["elapsed"]] - t0
  for (j in seq_along(idx)) {
    i <- idx[j]
    x <- parse_vals(train$values[i]); yy <- parse_vals(test$values[i])
    f <- as.numeric(fcs[[j]]$mean); lo <- as.numeric(fcs[[j]]$lower); hi <- as.numeric(fcs[[j]]$upper)
    den <- abs(yy) + abs(f)
    smape <- c(smape, ifelse(den > 0, 200 * abs(yy - f) / den, 0))
    lag <- if (length(x) > 12) 12 else 1
    scale <- mean(abs(diff(x, lag = lag)))
    if (scale > 0) mase <- c(mase, mean(abs(yy - f)) / scale)
    cover <- c(cover, yy >= lo & yy <= hi)
  }
  cat(sprintf('{"method":"%s","series":%d,"smape":%.6f,"mase":%.6f,"coverage95":%.6f,"seconds":%.3f}\n',
              method, length(idx), mean(smape), mean(mase), mean(cover), secs))
}

for (m in methods) {
  n <- nrow(train)
  idx <- if (m %in% c("ets", "auto.arima") && max_slow > 0) seq_len(min(n, max_slow)) else seq_len(n)
  run(m, idx)
}
