表 hazards 主键 id { id：文本， level：文本， deadline：日期 }
处置 关闭
规则 逾期 对于 h 属于 hazards 当 （h.level ＝＝ "major" 且 h.deadline ＜ 今天） 则 关闭 h 因为 "{h.idd}"
