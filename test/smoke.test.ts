import t from 'tap';

t.test('the test runner loads TypeScript', async (t) => {
  const answer: number = 6 * 7;
  t.equal(answer, 42);
});
