import { aaRuns } from '../../rehearsal/detection';
import { useMoto } from '../workflow/moto-world';

describe('the alarm-only baseline', () => {
  const moto = useMoto();

  it('promotes a healthy A/A cutover, its step checks passing as the real check answers a pass', async () => {
    // A baseline whose stand-in answer the state machine cannot read ends every run in an error, and would count as caught.
    const [switchyard, alarmOnly] = await aaRuns(moto(), { rates: [1000], firstStepPercent: 10, runs: 1 });
    expect(switchyard).toMatchObject({ mode: 'switchyard', promoted: 1, reasons: {} });
    expect(alarmOnly).toMatchObject({ mode: 'alarm-only', promoted: 1, reasons: {} });
  });
});
