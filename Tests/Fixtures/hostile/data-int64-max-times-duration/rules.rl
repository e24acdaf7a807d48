table enterprises key id {
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}
actions notify

rule far_future "a date far ahead"
  for e in enterprises
  when today + 1 day * e.employees > 2030-01-01
  then notify e because "{e.id}"
