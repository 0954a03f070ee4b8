2
1
 label | weight
-------+--------
 rust  |      1
(1 row)
