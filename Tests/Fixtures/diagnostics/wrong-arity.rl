table hazards key id { id: text, level: text, found_on: date }
actions close
define recent(h, on) = h.found_on > on - 30 days
rule a for h in hazards when recent(h) then close h
rule b for h in hazards when starts_with(h.level) then close h
rule c for h in hazards when days_between(h.found_on, "today") > 3 then close h
