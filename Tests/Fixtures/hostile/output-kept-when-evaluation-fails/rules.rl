table enterprises key id {
  id: text, name: text, industry: text, county: text, owner: text, status: text, employees: int
}
actions notify

rule ratio "employees per something"
  for e in enterprises
  when e.employees / (e.employees - 420) > 1
  then notify e because "{e.id}"
