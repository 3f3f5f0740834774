// Every area adds its methods to Logitkit here, once, for both entry points.
// Entries import Logitkit from this module (not from logitkit.js), so the
// installation cannot be dropped as an unused side effect.
import { Logitkit } from './logitkit.js';
import { installBeam } from './beam.js';
import { installCalibration } from './calibration.js';
import { installClassify } from './classify.js';
import { installLosses } from './losses.js';
import { installRows } from './rows.js';
import { installSampler } from './sampler.js';
import { installScoring } from './scoring.js';

installRows(Logitkit);
installLosses(Logitkit);
installCalibration(Logitkit);
installClassify(Logitkit);
installSampler(Logitkit);
installScoring(Logitkit);
installBeam(Logitkit);

export { Logitkit };
