// Isotonic regression (calibration/isotonic_regression.h): PAV on hand-checked
// data, sklearn's breakpoints and interpolation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration_testing.h"
#include "calibration/isotonic_regression.h"

using namespace calibration_testing;

TEST_CASE("isotonic regression: PAV on hand-checked data, sklearn's breakpoints and interpolation") {
  std::vector<double> x = {0.3, 0.1, 0.2, 0.4, 0.2, 0.9}, y = {0, 0, 1, 1, 0, 1};
  std::vector<double> bx(6), by(6);
  // Distinct x: .1→0, .2→0.5 (two points), .3→0, .4→1, .9→1. PAV pools .2 and .3: (0.5·2 + 0)/3 = 1/3.
  size_t m = lk::isotonic_fit(x.data(), y.data(), 6, bx.data(), by.data());
  REQUIRE(m == 5);
  CHECK(bx[0] == 0.1); CHECK(by[0] == 0);
  CHECK(bx[1] == 0.2); CHECK(by[1] == doctest::Approx(1.0 / 3));
  CHECK(bx[2] == 0.3); CHECK(by[2] == doctest::Approx(1.0 / 3));
  CHECK(bx[3] == 0.4); CHECK(by[3] == 1);
  CHECK(bx[4] == 0.9); CHECK(by[4] == 1);
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.0) == 0);
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.15) == doctest::Approx(1.0 / 6));
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 0.35) == doctest::Approx(2.0 / 3));
  CHECK(lk::isotonic_eval(bx.data(), by.data(), m, 2.0) == 1);
}
