import { drillSuite } from './drill-suite';

// Approvals, change control, pause, sticky clients, examples, and any new folder.
drillSuite('rest');
