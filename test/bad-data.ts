// Bad datasets and where their error must point: shared by the parser tests and the CLI tests.

export const BAD_DATA: [string, string, string, number, number, RegExp][] = [
  // name, file name, content, line, column, message
  ['NaN cell', 'a.csv', '1,2,a\n3,NaN,b\n', 2, 2, /not a finite number/],
  ['infinite cell', 'a.csv', '1,2,a\n-inf,4,b\n', 2, 1, /not a finite number/],
  ['overflowing cell', 'a.csv', '1,2,a\n1e999,4,b\n', 2, 1, /not a finite number/],
  ['non-numeric cell', 'a.csv', '1,2,a\n3,4,b\n5,six,c\n', 3, 2, /"six" is not a number/],
  ['empty cell', 'a.csv', '1,2,a\n3,,b\n', 2, 2, /empty cell/],
  ['ragged row (short)', 'a.csv', '1,2,a\n3,b\n', 2, 3, /expected 3 cells, found 2/],
  ['ragged row (long)', 'a.csv', '1,2,a\n3,4,5,b\n', 2, 4, /expected 3 cells, found 4/],
  ['contradicting labels', 'a.csv', '1,2,a\n1,2,b\n', 2, 3, /contradicts/],
  ['jsonl syntax', 'a.jsonl', '{"x":[1],"y":0}\n{"x":[1,,],"y":1}\n', 2, 9, /invalid JSON/],
  ['jsonl non-number', 'a.jsonl', '{"x":[1,2],"y":0}\n{"x":[1,"q"],"y":1}\n', 2, 2, /x\[1\] = "q" is not a finite number/],
  ['jsonl ragged', 'a.jsonl', '{"x":[1,2],"y":0}\n{"y":1,"x":[1]}\n', 2, 8, /expected 2 features, found 1/],
  ['jsonl missing label', 'a.jsonl', '{"x":[1,2]}\n', 1, 1, /missing "y"/],
  // 2^53 + 1 reads as 2^53: refused where read, not later as a contradiction.
  ['integer beyond 2^53', 'a.csv', '9007199254740992,a\n9007199254740993,b\n', 2, 1, /"9007199254740993" is an integer beyond 2\^53 that a double cannot hold exactly \(it would read as 9007199254740992\)/],
  ['jsonl integer beyond 2^53', 'a.jsonl', '{"x":[9007199254740992],"y":0}\n{"x":[-9007199254740993],"y":1}\n', 2, 7, /"-9007199254740993" is an integer beyond 2\^53/],
  ['jsonl label beyond 2^53', 'a.jsonl', '{"x":[1],"y":9007199254740993}\n', 1, 14, /"9007199254740993" is an integer beyond 2\^53/],
];
