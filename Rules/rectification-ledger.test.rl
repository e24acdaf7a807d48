# Test cases for rectification-ledger.rl. Run with: redline test Rules/rectification-ledger.rl
# Without a calendar, working days are Monday to Friday; 2024-06-28 is a Friday.

test "到期提醒:五个工作日内 (as of Friday 2024-06-28)" as of 2024-06-28
  cases (deadline, outcome)
    (2024-06-28, remind)        # due today
    (2024-07-05, remind)        # the fifth working day
    (2024-07-08, none)          # the sixth
    (2024-06-27, overdue)       # already past
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on, responsible_unit)
    ("H1", "E1", "general", 2024-06-01, deadline, missing, "小店区应急管理局")
  expect H1 outcome

test "逾期销号" as of 2024-06-30
  cases (rectified, outcome)
    (2024-06-10, none)          # closed out on time
    (2024-06-20, closed_late)   # closed out ten days late
    (2024-07-02, overdue)       # still open on the as-of date
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on, responsible_unit)
    ("H1", "E1", "general", 2024-05-01, 2024-06-10, rectified, "郊区应急管理局")
  expect H1 outcome

test "一年内两项重大隐患:约谈" as of 2024-06-30
  cases (second, outcome)
    (2024-06-01, accountability)
    (2023-06-30, none)          # exactly twelve months before: outside the window
    (2024-07-01, none)          # found after the as-of date
  given enterprises (id, name) ("E1", "丙焦化")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on, responsible_unit)
    ("H1", "E1", "major", 2024-01-10, 2024-02-10, 2024-02-01, "潞州区应急管理局")
    ("H2", "E1", "major", second, 2025-01-01, 2024-06-30, "潞州区应急管理局")
  expect E1 outcome

test "缺少期限的已整改隐患:是否逾期销号无法判定" as of 2024-06-30
  given enterprises (id) ("E1")
  given hazards (id, enterprise_id, level, found_on, deadline, rectified_on, responsible_unit)
    ("H1", "E1", "general", 2024-05-01, missing, 2024-05-20, "郊区应急管理局")
  expect H1 undetermined
