// Beam sampling's draw (decoding/beam_sample.h): K candidates without
// replacement follow torch.multinomial(p, K, replacement=False)'s distribution
// over ordered outcomes, P(x1..xK) = prod_i w[x_i] / (W - w[x_1] - ... - w[x_{i-1}]),
// shown by a chi-square goodness-of-fit test against that law enumerated
// exactly; zero-weight fillers; the same draws from the same (seed, stream, counter).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "decoding/beam_sample.h"

namespace {
// Exact law of the ordered K-draws without replacement from w (enumeration).
std::map<std::vector<uint32_t>, double> ordered_law(const std::vector<double>& w, size_t k) {
  std::map<std::vector<uint32_t>, double> law;
  std::vector<uint32_t> cur;
  std::vector<char> used(w.size(), 0);
  double total = 0;
  for (double x : w) total += x;
  auto rec = [&](auto&& self, double p, double rem) -> void {
    if (cur.size() == k) {
      law[cur] = p;
      return;
    }
    for (uint32_t x = 0; x < w.size(); ++x) {
      if (used[x]) continue;
      used[x] = 1, cur.push_back(x);
      self(self, p * w[x] / rem, rem - w[x]);
      used[x] = 0, cur.pop_back();
    }
  };
  rec(rec, 1.0, total);
  return law;
}

// Upper alpha-quantile of chi-square(df) (Wilson-Hilferty; z = normal quantile).
double chi2_quantile(double df, double z) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}
// P(chi-square(df, noncentrality lam) > x) (Patnaik's scaled chi-square, then Wilson-Hilferty).
double noncentral_tail(double df, double lam, double x) {
  const double h = (df + lam) * (df + lam) / (df + 2 * lam), c = (df + 2 * lam) / (df + lam);
  const double a = 2.0 / (9.0 * h);
  const double z = (std::cbrt(x / c / h) - (1.0 - a)) / std::sqrt(a);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

double chi2(const std::map<std::vector<uint32_t>, double>& law, const std::map<std::vector<uint32_t>, size_t>& seen,
            size_t n) {
  double x = 0;
  for (const auto& [cell, p] : law) {
    const double e = p * double(n);
    const auto it = seen.find(cell);
    const double o = it == seen.end() ? 0.0 : double(it->second);
    x += (o - e) * (o - e) / e;
  }
  return x;
}
}  // namespace

TEST_CASE("beam sampling: the K draws follow the without-replacement multinomial (chi-square, exact law)") {
  // numBeams 2 × V 3, K = 4 of 6 weighted entries: 360 ordered outcomes, the
  // rarest expected 42 times in N = 200 000 trials (seed 2024, stream = trial).
  const std::vector<double> w = {1, 2, 3, 1.5, 0.5, 2.5};
  const size_t k = 4, n_trials = 200000;
  const auto law = ordered_law(w, k);
  REQUIRE(law.size() == 360);
  std::map<std::vector<uint32_t>, size_t> seen;
  std::map<std::vector<uint32_t>, size_t> seen_sets;
  std::vector<uint32_t> idx;
  for (size_t i = 0; i < n_trials; ++i) {
    std::vector<double> ww = w;
    std::vector<uint32_t> out(k);
    lk::draw_without_replacement(ww.data(), ww.size(), k, lk::SamplingRng{2024, i, 0}, 0, idx, out.data());
    ++seen[out];
    std::sort(out.begin(), out.end());
    ++seen_sets[out];
  }
  REQUIRE(seen.size() <= law.size());  // every outcome is a legal ordered draw
  // Ordered outcomes: df 359, reject at alpha = 1e-3.
  const double df = double(law.size() - 1), crit = chi2_quantile(df, 3.090232);
  const double x = chi2(law, seen, n_trials);
  // The test's power: against the same draw with any one weight scaled by 1.1,
  // the noncentrality N·sum (p1 - p0)^2 / p0 gives a rejection probability
  // >= 0.9999 (computed here from the exact laws).
  double power = 1;
  for (size_t j = 0; j < w.size(); ++j) {
    std::vector<double> w1 = w;
    w1[j] *= 1.1;
    const auto alt = ordered_law(w1, k);
    double lam = 0;
    for (const auto& [cell, p] : law) lam += (alt.at(cell) - p) * (alt.at(cell) - p) / p;
    power = std::min(power, noncentral_tail(df, lam * double(n_trials), crit));
  }
  std::printf("beam sampling chi-square: ordered %.1f (df %.0f, critical %.1f at 1e-3), power vs a 10%% weight change %.6f\n",
              x, df, crit, power);
  CHECK(power >= 0.9999);
  CHECK(x < crit);
  // Unordered sets (what the candidates are, whatever their order): df 14.
  std::map<std::vector<uint32_t>, double> set_law;
  for (const auto& [cell, p] : law) {
    auto s = cell;
    std::sort(s.begin(), s.end());
    set_law[s] += p;
  }
  REQUIRE(set_law.size() == 15);
  const double xs = chi2(set_law, seen_sets, n_trials), crit_s = chi2_quantile(14, 3.090232);
  std::printf("beam sampling chi-square: unordered %.1f (df 14, critical %.1f)\n", xs, crit_s);
  CHECK(xs < crit_s);
  // The test can fail: the draws sorted by weight (best first, as HF's older
  // beam sampler ordered them) are far from the ordered law.
  std::map<std::vector<uint32_t>, size_t> sorted_seen;
  for (const auto& [cell, count] : seen) {
    auto s = cell;
    std::sort(s.begin(), s.end(), [&](uint32_t a, uint32_t b) { return w[a] > w[b]; });
    sorted_seen[s] += count;
  }
  CHECK(chi2(law, sorted_seen, n_trials) > 10 * crit);
}

TEST_CASE("beam sampling: zero-weight entries are drawn last, by lower index; the draw is a function of (seed, stream, counter)") {
  std::vector<uint32_t> idx;
  for (uint64_t stream = 0; stream < 20; ++stream) {
    std::vector<double> w = {0, 3, 0, 0, 1, 0};
    std::vector<uint32_t> out(5);
    lk::draw_without_replacement(w.data(), 6, 5, lk::SamplingRng{1, stream, 0}, 0, idx, out.data());
    CHECK(((out[0] == 1 && out[1] == 4) || (out[0] == 4 && out[1] == 1)));
    CHECK(out[2] == 0);
    CHECK(out[3] == 2);
    CHECK(out[4] == 3);
  }
  // Entry x uses uniform number counter + x: the rng's own counter does not matter.
  const std::vector<double> base = {0.5, 1, 2, 4, 8, 16, 0.25, 3};
  std::vector<uint32_t> a(4), b(4), c(4);
  auto wa = base, wb = base, wc = base;
  lk::draw_without_replacement(wa.data(), 8, 4, lk::SamplingRng{5, 6, 999}, 40, idx, a.data());
  lk::draw_without_replacement(wb.data(), 8, 4, lk::SamplingRng{5, 6, 0}, 40, idx, b.data());
  CHECK(a == b);
  size_t differ = 0;
  for (uint64_t ctr = 48; ctr < 128; ctr += 8) {
    wc = base;
    lk::draw_without_replacement(wc.data(), 8, 4, lk::SamplingRng{5, 6, 0}, ctr, idx, c.data());
    differ += c != a;
  }
  CHECK(differ >= 5);
}
