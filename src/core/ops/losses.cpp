#include "ops/losses.h"

#include "ops/rows.h"
#include "ops/scalar_math.h"

namespace lk {
namespace {
constexpr double kInf = __builtin_inf();

bool finite(double v) { return v == v && v != kInf && v != -kInf; }

Status check_weights(const float* w, size_t len) {
  for (size_t k = 0; w && k < len; ++k)
    if (!(w[k] >= 0.0f) || !finite(w[k])) return Status::Error(StatusCode::kBadArgument, k);
  return Status::Ok();
}

Status check_labels(const int32_t* target, size_t n, size_t c, int32_t ignore_index) {
  for (size_t i = 0; i < n; ++i) {
    int32_t y = target[i];
    if (y == ignore_index) continue;
    if (y < 0 || size_t(y) >= c) return Status::Error(StatusCode::kBadLabel, i);
  }
  return Status::Ok();
}

Status check_probabilities(const float* t, size_t len) {
  for (size_t i = 0; i < len; ++i)
    if (!(t[i] >= 0.0f && t[i] <= 1.0f)) return Status::Error(StatusCode::kBadProbability, i);
  return Status::Ok();
}

// log_softmax of one row at one class, in float64, from its RowNorm.
double row_logp(const float* row, const RowNorm& norm, size_t k) {
  if (norm.max == kInf) return row[k] == float(kInf) ? -norm.log_sum : -kInf;
  if (norm.max == -kInf) return -kInf;
  return (double(row[k]) - double(norm.max)) - norm.log_sum;
}

// a·b with 0·(±inf) = 0: the limit these losses take (see losses.h).
double times(double a, double b) { return a == 0 || b == 0 ? 0.0 : a * b; }

// Writes the reduced value; `count` is the mean's denominator.
void reduce(Reduction r, double sum, double count, size_t batch, double* result) {
  if (!result) return;
  switch (r) {
    case Reduction::kMean: *result = sum / count; break;
    case Reduction::kBatchMean: *result = sum / double(batch); break;
    default: *result = sum; break;
  }
}

// Per-row log-normalisers, checking NaN with flat indices.
template <class Fn>
Status for_each_row(const float* logits, size_t n, size_t c, Fn fn) {
  for (size_t i = 0; i < n; ++i) {
    RowNorm norm;
    Status s = row_norm(logits + i * c, c, 1.0, &norm);
    if (!s.ok()) return Status::Error(s.code, i * c + s.index);
    fn(i, logits + i * c, norm);
  }
  return Status::Ok();
}

Status check_class_options(const ClassLossOptions& opt, size_t c) {
  if (!(opt.label_smoothing >= 0.0 && opt.label_smoothing <= 1.0)) return Status::Error(StatusCode::kBadArgument);
  if (opt.reduction == Reduction::kBatchMean) return Status::Error(StatusCode::kBadArgument);
  return check_weights(opt.weight, c);
}
}  // namespace

Status cross_entropy(const float* logits, size_t n, size_t c, const int32_t* target, const ClassLossOptions& opt,
                     float* per_sample, double* result) {
  Status s = check_class_options(opt, c);
  if (!s.ok()) return s;
  if (!(s = check_labels(target, n, c, opt.ignore_index)).ok()) return s;
  const double eps = opt.label_smoothing;
  double sum = 0, denom = 0;
  s = for_each_row(logits, n, c, [&](size_t i, const float* row, const RowNorm& norm) {
    double loss = 0;
    const int32_t y = target[i];
    if (y != opt.ignore_index) {
      const double wy = opt.weight ? opt.weight[y] : 1.0;
      denom += wy;
      loss = (1.0 - eps) * -times(wy, row_logp(row, norm, size_t(y)));
      if (eps > 0) {
        double smooth = 0;
        for (size_t k = 0; k < c; ++k) smooth -= times(opt.weight ? opt.weight[k] : 1.0, row_logp(row, norm, k));
        loss += eps / double(c) * smooth;
      }
    }
    sum += loss;
    if (opt.reduction == Reduction::kNone) per_sample[i] = float(loss);
  });
  if (!s.ok()) return s;
  reduce(opt.reduction, sum, denom, n, result);
  return Status::Ok();
}

Status cross_entropy_probs(const float* logits, size_t n, size_t c, const float* target, const ClassLossOptions& opt,
                           float* per_sample, double* result) {
  Status s = check_class_options(opt, c);
  if (!s.ok()) return s;
  if (!(s = check_probabilities(target, n * c)).ok()) return s;
  const double eps = opt.label_smoothing;
  double sum = 0;
  s = for_each_row(logits, n, c, [&](size_t i, const float* row, const RowNorm& norm) {
    double loss = 0;
    for (size_t k = 0; k < c; ++k) {
      double t = double(target[i * c + k]) * (1.0 - eps) + eps / double(c);
      double w = opt.weight ? opt.weight[k] : 1.0;
      loss -= times(w * t, row_logp(row, norm, k));
    }
    sum += loss;
    if (opt.reduction == Reduction::kNone) per_sample[i] = float(loss);
  });
  if (!s.ok()) return s;
  reduce(opt.reduction, sum, double(n), n, result);
  return Status::Ok();
}

Status nll_loss(const float* input, size_t n, size_t c, const int32_t* target, const ClassLossOptions& opt,
                float* per_sample, double* result) {
  Status s = check_class_options(opt, c);
  if (!s.ok()) return s;
  if (opt.label_smoothing != 0.0) return Status::Error(StatusCode::kBadArgument);
  if (!(s = check_labels(target, n, c, opt.ignore_index)).ok()) return s;
  for (size_t i = 0; i < n * c; ++i)
    if (input[i] != input[i]) return Status::Error(StatusCode::kNaN, i);
  double sum = 0, denom = 0;
  for (size_t i = 0; i < n; ++i) {
    double loss = 0;
    const int32_t y = target[i];
    if (y != opt.ignore_index) {
      const double wy = opt.weight ? opt.weight[y] : 1.0;
      denom += wy;
      loss = -times(wy, input[i * c + size_t(y)]);
    }
    sum += loss;
    if (opt.reduction == Reduction::kNone) per_sample[i] = float(loss);
  }
  reduce(opt.reduction, sum, denom, n, result);
  return Status::Ok();
}

Status bce_with_logits(const float* x, const float* y, size_t n, size_t c, const float* weight, size_t weight_len,
                       const float* pos_weight, Reduction reduction, float* per_element, double* result) {
  if (reduction == Reduction::kBatchMean) return Status::Error(StatusCode::kBadArgument);
  if (weight && weight_len != c && weight_len != n * c) return Status::Error(StatusCode::kBadShape);
  Status s = check_weights(weight, weight_len);
  if (!s.ok()) return s;
  // pos_weight errors are reported past the weight indices: index = weight_len + k.
  if (!(s = check_weights(pos_weight, c)).ok()) return Status::Error(s.code, weight_len + s.index);
  if (!(s = check_probabilities(y, n * c)).ok()) return s;
  for (size_t i = 0; i < n * c; ++i)
    if (x[i] != x[i]) return Status::Error(StatusCode::kNaN, i);
  double sum = 0;
  for (size_t i = 0; i < n * c; ++i) {
    const size_t k = i % c;
    const double xi = x[i], yi = y[i];
    const double pw = pos_weight ? pos_weight[k] : 1.0;
    const double ax = xi < 0 ? -xi : xi;
    const double softplus_neg_x = dlog1p(dexp(-ax)) + (xi < 0 ? -xi : 0.0);
    double loss = times(1.0 - yi, xi) + times(1.0 + (pw - 1.0) * yi, softplus_neg_x);
    // x = ±inf: the limit of (1 - y)·softplus(x) + pw·y·softplus(-x), where
    // the terms above would give -inf + inf (x = -inf, 0 < y < 1, or y = 0).
    if (ax == double(kInf)) {
      const double a = xi > 0 ? 1.0 - yi : pw * yi;
      loss = a == 0 ? 0.0 : double(kInf);
    }
    if (weight) loss = times(weight[weight_len == c ? k : i], loss);
    sum += loss;
    if (reduction == Reduction::kNone) per_element[i] = float(loss);
  }
  reduce(reduction, sum, double(n * c), n, result);
  return Status::Ok();
}

Status kl_div(const float* input, const float* target, size_t n, size_t c, bool log_target, Reduction reduction,
              float* per_element, double* result) {
  for (size_t i = 0; i < n * c; ++i)
    if (input[i] != input[i]) return Status::Error(StatusCode::kNaN, i);
  if (log_target) {
    for (size_t i = 0; i < n * c; ++i)
      if (target[i] != target[i] || target[i] == float(kInf)) return Status::Error(StatusCode::kBadProbability, i);
  } else {
    Status s = check_probabilities(target, n * c);
    if (!s.ok()) return s;
  }
  double sum = 0;
  for (size_t i = 0; i < n * c; ++i) {
    const double t = target[i], in = input[i];
    double v;
    if (log_target) {
      // exp(t) = 0 (t = -inf, or below float64's range) is a zero target:
      // the term is 0, as for probability targets, even beside input +inf.
      const double p = t == -kInf ? 0.0 : dexp(t);
      v = p == 0 ? 0.0 : p * (t - in);
    } else {
      v = t == 0 ? 0.0 : t * (dlog(t) - in);
    }
    sum += v;
    if (reduction == Reduction::kNone) per_element[i] = float(v);
  }
  reduce(reduction, sum, double(n * c), n, result);
  return Status::Ok();
}

}  // namespace lk
