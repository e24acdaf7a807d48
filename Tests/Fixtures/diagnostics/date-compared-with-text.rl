table hazards key id { id: text, deadline: date }
actions close
rule overdue for h in hazards when h.deadline < "2024-06-30" then close h
