import { CreateCoreTables1764000000000 } from './1764000000000-create-core-tables.js';
import { CreateDatasets1764100000000 } from './1764100000000-create-datasets.js';
import { CreateAccounts1764200000000 } from './1764200000000-create-accounts.js';
import { CreateDeployments1764300000000 } from './1764300000000-create-deployments.js';
import { AddDatasetWorkspaces1764400000000 } from './1764400000000-add-dataset-workspaces.js';
import { AddPasswordChangeFlag1764500000000 } from './1764500000000-add-password-change-flag.js';
import { CreateBatchJobs1764600000000 } from './1764600000000-create-batch-jobs.js';
import { DeployAndBatchJobs1764700000015 } from './1764700000015-deploy-and-batch-jobs.js';
import { CreateAuditLog1764700000413 } from './1764700000413-create-audit-log.js';
import { AddDatasetVersions1764700000414 } from './1764700000414-add-dataset-versions.js';
import { AddMemberships1764700001413 } from './1764700001413-add-memberships.js';
import { CreateSchedules1764700001414 } from './1764700001414-create-schedules.js';
import { CreateTemplates1764700002414 } from './1764700002414-create-templates.js';
import { VersionHistory1764800000015 } from './1764800000015-version-history.js';
import { WorkerCapabilities1765000006001 } from './1765000006001-worker-capabilities.js';

/** Every migration, oldest first: the server runs the pending ones on start. */
export const migrations = [
  CreateCoreTables1764000000000,
  CreateDatasets1764100000000,
  CreateAccounts1764200000000,
  CreateDeployments1764300000000,
  AddDatasetWorkspaces1764400000000,
  AddPasswordChangeFlag1764500000000,
  CreateBatchJobs1764600000000,
  DeployAndBatchJobs1764700000015,
  CreateAuditLog1764700000413,
  AddDatasetVersions1764700000414,
  AddMemberships1764700001413,
  CreateSchedules1764700001414,
  CreateTemplates1764700002414,
  VersionHistory1764800000015,
  WorkerCapabilities1765000006001,
];
