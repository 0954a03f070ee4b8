 setting | value | default |            values
---------+-------+---------+-------------------------------
 format  | table | table   | table|vertical|json|jsonl|csv
 limit   | 100   | 100     | N|off
 timing  | off   | off     | on|off
(3 rows)
2
1
 label | weight
-------+--------
 rust  |      1
(1 row)
