import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GpuAdapterInfo, GpuHostCommand } from '../../shared/types.ts';
import type { JobChannelEvents } from '../engine/jobs/jobRunner.ts';
import type { JobSpec, TrainJobSpec, WorkerMessage } from '../engine/jobs/jobSpec.ts';
import { EventHub } from './events.ts';
import { GpuHosts, HOST_TIMEOUT_MS } from './gpuHosts.ts';

const limits = { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31, maxComputeWorkgroupStorageSize: 32768, maxComputeInvocationsPerWorkgroup: 1024 };
const real: GpuAdapterInfo = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA RTX A4000', isFallback: false, limits };
const software: GpuAdapterInfo = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback: true, limits };

function trainSpec(method: TrainJobSpec['parameters']['method'], methodOptions?: Record<string, boolean>): TrainJobSpec {
  return {
    kind: 'train',
    runId: 'r1',
    scans: [{ id: 's1', scanPath: '/project/scans/s1.nii.gz', labelsPath: '/project/labels/s1.nii.gz', annotated: { i: [], j: [], k: [3] } }],
    classValues: [1],
    parameters: { method, model: 'auto', ...(methodOptions ? { methodOptions } : {}) },
    modelPath: '/project/models/r1/model',
    checkpointPath: '/project/models/r1/checkpoint',
    resumeFrom: '/project/models/r1/old-checkpoint',
    snapshotScans: [{ id: 's1', scanPath: '/project/scans/s1.nii.gz', labelsOut: '/project/p/s1.nii.gz', probabilitiesOut: '/project/p/s1.prob' }],
  };
}

function events(): JobChannelEvents & { messages: WorkerMessage[]; exits: string[] } {
  const messages: WorkerMessage[] = [];
  const exits: string[] = [];
  return { messages, exits, message: (m) => messages.push(m), exit: (p) => exits.push(p) };
}

describe('GpuHosts: which backend a job gets, and why', () => {
  test('no window: the job process, saying so; a forced webgpu is refused with the same reason', () => {
    assert.deepEqual(new GpuHosts(new EventHub(), {}).pick(trainSpec('supervised'), 'j'), { none: 'no window has offered a WebGPU adapter' });
    assert.deepEqual(new GpuHosts(new EventHub(), { ATRIUM_BACKEND: 'webgpu' }).pick(trainSpec('supervised'), 'j'), {
      refuse: 'ATRIUM_BACKEND=webgpu: no window has offered a WebGPU adapter',
    });
  });

  test('a real adapter is used; a software one only when ATRIUM_BACKEND=webgpu asks; another forced backend keeps jobs in the job process', () => {
    const hosts = new GpuHosts(new EventHub(), {});
    hosts.attach(software);
    const fallback = hosts.pick(trainSpec('supervised'), 'j');
    assert.ok('none' in fallback && /google swiftshader is a software fallback/.test(fallback.none), JSON.stringify(fallback));
    hosts.attach(real);
    assert.ok('open' in hosts.pick(trainSpec('supervised'), 'j'), 'the real adapter wins over the software one');
    assert.match(hosts.status().reason, /^WebGPU on nvidia ampere NVIDIA RTX A4000$/);
    const forcedCpu = new GpuHosts(new EventHub(), { ATRIUM_BACKEND: 'cpu' });
    forcedCpu.attach(real);
    assert.deepEqual(forcedCpu.pick(trainSpec('supervised'), 'j'), { none: 'WebGPU adapter nvidia ampere NVIDIA RTX A4000 not used: ATRIUM_BACKEND=cpu' });
    const forcedGpu = new GpuHosts(new EventHub(), { ATRIUM_BACKEND: 'webgpu' });
    forcedGpu.attach(software);
    assert.ok('open' in forcedGpu.pick(trainSpec('supervised'), 'j'));
  });

  test('methods that read predictions inside the gradient tape stay in the job process, and say why', () => {
    const hosts = new GpuHosts(new EventHub(), {});
    hosts.attach(real);
    for (const [method, options] of [['caml'], ['contrastive'], ['cps', { lovasz: true }]] as const) {
      const choice = hosts.pick(trainSpec(method, options), 'j');
      assert.ok('none' in choice && /reads predictions back while it builds its loss/.test(choice.none), `${method}: ${JSON.stringify(choice)}`);
    }
    for (const method of ['supervised', 'mean-teacher', 'ua-mt', 'cps', 'crossmatch', 'exemplar'] as const) {
      assert.ok('open' in hosts.pick(trainSpec(method), 'j'), method);
    }
  });

  test('the window is sent the spec without one file path, and the runner gets back predictions with their paths', () => {
    const hub = new EventHub();
    const commands: GpuHostCommand[] = [];
    hub.on('gpuHost.command', (c) => commands.push(c));
    const hosts = new GpuHosts(hub, {});
    const { hostId } = hosts.attach(real);
    const jobId = '0b6c3f7e-1a2b-4c3d-8e9f-001122334455';
    const choice = hosts.pick(trainSpec('supervised'), jobId);
    assert.ok('open' in choice);
    const ev = events();
    const channel = choice.open(ev);
    channel.send({ type: 'start', spec: trainSpec('supervised') as JobSpec });
    assert.equal(commands.length, 1);
    assert.equal(commands[0]!.hostId, hostId);
    assert.doesNotMatch(JSON.stringify(commands[0]!.message), /\/project\//, 'no path reaches the window');
    hosts.report({ hostId, jobId, message: { type: 'snapshot', iteration: 4, scans: [{ id: 's1', labelsOut: '', probabilitiesOut: '', seconds: 1 }] } });
    assert.deepEqual(ev.messages[0], {
      type: 'snapshot',
      iteration: 4,
      scans: [{ id: 's1', labelsOut: '/project/p/s1.nii.gz', probabilitiesOut: '/project/p/s1.prob', seconds: 1 }],
    });
    assert.throws(
      () =>
        hosts.report({ hostId, jobId, message: { type: 'snapshot', iteration: 5, scans: [{ id: 'other', labelsOut: '', probabilitiesOut: '', seconds: 1 }] } }),
      /not given/,
    );
    channel.close();
    assert.throws(() => hosts.report({ hostId, jobId, message: { type: 'progress' } }), /no job/);
  });

  test('a window that closes or stops beating fails its job with that cause and the checkpoint kept', () => {
    let now = 0;
    const hosts = new GpuHosts(new EventHub(), {}, () => now);
    const { hostId } = hosts.attach(real);
    const choice = hosts.pick(trainSpec('supervised'), 'a0000000-0000-4000-8000-000000000000');
    assert.ok('open' in choice);
    const ev = events();
    choice.open(ev);
    now = HOST_TIMEOUT_MS - 1;
    hosts.expire();
    assert.deepEqual(ev.exits, [], 'alive within the timeout');
    now = 2 * HOST_TIMEOUT_MS;
    hosts.expire();
    assert.equal(ev.exits.length, 1);
    assert.match(ev.exits[0]!, /stopped answering for 30 s; the run's last checkpoint is kept: resume it to continue on another backend/);
    assert.throws(() => hosts.heartbeat(hostId), /attach again/);
    assert.equal(hosts.status().adapter, null);
    hosts.detach(hostId);
  });
});
