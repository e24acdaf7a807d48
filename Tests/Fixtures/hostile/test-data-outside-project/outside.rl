table enterprises key id { id: text }
actions notify

rule everyone "every enterprise"
  for e in enterprises
  when true
  then notify e because "{e.id}"

test "a folder outside the project" as of 2024-06-30
  given data "/etc"
  expect E001 notify
