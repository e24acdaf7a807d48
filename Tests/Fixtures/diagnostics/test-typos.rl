# Typos in a rule test: tables, columns, actions and rules are checked with the policy.
table t key id { id: text, level: int }
actions alert < stop
rule r for x in t when x.level > 1 then stop x
test "typos" as of 2024-01-01
  given tt (id, levl) ("A", 2)
  given t (id, levl) ("A", 2)
  expect A stpo by rr
