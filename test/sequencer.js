// Orders test files so two workers finish together. jest runs the longest files first by the
// durations it cached from the last run; without them (a fresh clone) it runs the largest first,
// which left the small files that run whole drills, the longest of all, for last. So, when a file
// has no cached duration, the workflow tests (each runs the state machine against the worker's moto
// server, for seconds to tens of seconds) go before the rest, each group largest first.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('path');

const WORKFLOW = `${path.sep}test${path.sep}workflow${path.sep}`;

class WorkflowFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    // Only the files without a duration move, among the places jest gave them.
    const unknown = sorted.filter((t) => t.duration == null);
    const reordered = [...unknown.filter((t) => t.path.includes(WORKFLOW)), ...unknown.filter((t) => !t.path.includes(WORKFLOW))];
    let next = 0;
    return sorted.map((t) => (t.duration == null ? reordered[next++] : t));
  }
}

module.exports = WorkflowFirst;
