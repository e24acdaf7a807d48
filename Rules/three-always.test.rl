# Test cases for three-always.rl: the date edges of each rule, one table-style grid per edge.
# Run with: redline test Rules/three-always.rl

test "按期整改、逾期整改、逾期未整改 (deadline 2024-06-15)" as of 2024-06-30
  cases (rectified, outcome)
    (2024-06-14, none)          # rectified before the deadline
    (2024-06-15, none)          # rectified on the deadline: on time
    (2024-06-16, close)         # rectified a day late, before the as-of date
    (2024-07-01, close)         # rectified after the as-of date: still open today as well
    (missing, close)            # never rectified
  given enterprises (id, name) ("E1", "甲煤矿")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-05-01, 2024-06-15, rectified)
  expect E1 outcome

test "期限未到只停产,不关闭" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-06-01, 2024-06-30, missing)     # deadline is today: not yet passed
  expect E1 suspend by suspend_major_hazard evidence H1

test "发现日在基准日之后的隐患不计" as of 2024-06-30
  cases (found, outcome)
    (2024-06-30, suspend)
    (2024-07-01, none)
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", found, 2024-08-01, missing)
  expect E1 outcome

test "一般隐患不触发" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "general", 2024-01-01, 2024-02-01, missing)
  expect E1 none

test "多项重大隐患都是证据" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H2", "E1", "major", 2024-03-01, 2024-04-01, missing)
    ("H1", "E1", "major", 2024-03-01, 2024-05-01, 2024-06-01)
    ("H3", "E1", "general", 2024-03-01, 2024-04-01, missing)
  expect E1 close by close_overdue_major_hazard evidence H1, H2

test "缺少整改期限:无法判定是否关闭" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-03-01, missing, 2024-03-20)
  expect E1 undetermined

test "责令停产后检查发现仍在生产:移送司法 (order 2024-05-10)" as of 2024-06-30
  cases (kind, inspected, producing, outcome)
    ("suspend", 2024-05-10, true, none)       # inspected on the day of the order
    ("suspend", 2024-05-11, true, refer)      # the day after
    ("close", 2024-06-01, true, refer)
    ("suspend", 2024-06-01, false, none)      # not producing
    ("rectify", 2024-06-01, true, none)       # not a suspension or closure order
    ("suspend", 2024-07-01, true, none)       # inspection after the as-of date
  given enterprises (id) ("E1")
  given orders (id, enterprise_id, kind, issued_on) ("O1", "E1", kind, 2024-05-10)
  given inspections (id, enterprise_id, date, producing) ("I1", "E1", inspected, producing)
  expect E1 outcome

test "最重的处置胜出" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-03-01, 2024-04-01, missing)
  given orders (id, enterprise_id, kind, issued_on) ("O1", "E1", "suspend", 2024-04-10)
  given inspections (id, enterprise_id, date, producing) ("I1", "E1", 2024-05-01, true)
  expect E1 refer by refer_illegal_production evidence I1

test "样例数据:Rules/sample 的处置" as of 2024-06-30
  given data "sample"
  expect E001 suspend by suspend_major_hazard evidence H001
  expect E002 refer by refer_illegal_production evidence I001
  expect E003 none
  expect E004 none
  expect E005 close by close_overdue_major_hazard evidence H005
  expect E006 close
  expect E007 close by close_overdue_major_hazard evidence H007, H008
  expect E008 undetermined
  expect E011 refer evidence I004, I005
  expect E012 none
