// The floor any JavaScript action pays: start node, load @actions/core, read one input.
// Bundled by the benchmark with the same ncc flags as dist/.
import * as core from '@actions/core';

core.getInput('tags');
