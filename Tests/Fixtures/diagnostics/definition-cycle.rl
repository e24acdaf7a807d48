table hazards key id { id: text, deadline: date }
actions close
define overdue(h) = late(h) and h.deadline < today
define late(h) = overdue(h)
rule r for h in hazards when overdue(h) then close h
