# 三个一律.rl 的测试用例(中文关键字)。运行:redline test Rules/三个一律.rl

测试 "整改期限当日整改不关闭" 基准日 2024-06-30
  用例 (整改日, 结果)
    (2024-06-15, 没有)
    (2024-06-16, close)
    (缺失, close)
  已知 enterprises (id, name) ("E1", "乙化工")
  已知 hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-05-01, 2024-06-15, 整改日)
  预期 E1 结果

测试 "基准日之后发现的隐患不计" 基准日 2024-06-30
  已知 enterprises (id) ("E1")
  已知 hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-07-01, 2024-08-01, 缺失)
  预期 E1 没有

测试 "未到期的重大隐患:停产" 基准日 2024-06-30
  已知 enterprises (id) ("E1")
  已知 hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-06-01, 2024-07-31, 缺失)
  预期 E1 suspend 由 有重大隐患一律停产 证据 H1

测试 "停产令后仍在生产:移送司法" 基准日 2024-06-30
  用例 (令类, 检查日, 在生产, 结果)
    ("suspend", 2024-05-10, 真, 没有)        # 与停产令同日
    ("suspend", 2024-05-11, 真, refer)       # 次日
    ("suspend", 2024-05-11, 假, 没有)        # 未在生产
    ("suspend", 2024-07-01, 真, 没有)        # 检查在基准日之后
    ("rectify", 2024-05-11, 真, 没有)        # 整改令不算
  已知 enterprises (id) ("E1")
  已知 orders (id, enterprise_id, kind, issued_on) ("O1", "E1", 令类, 2024-05-10)
  已知 inspections (id, enterprise_id, date, producing) ("I1", "E1", 检查日, 在生产)
  预期 E1 结果

测试 "缺少期限无法判定" 基准日 2024-06-30
  已知 enterprises (id) ("E1")
  已知 hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "major", 2024-03-01, 缺失, 2024-03-20)
  预期 E1 无法判定

测试 "一般隐患不处置" 基准日 2024-06-30
  已知 enterprises (id) ("E1")
  已知 hazards (id, enterprise_id, level, found_on, deadline, rectified_on)
    ("H1", "E1", "general", 2024-01-01, 2024-02-01, 缺失)
  预期 E1 没有
