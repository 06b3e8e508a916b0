import { SimulatedRuntime } from '@/sandbox/cluster/kubelet/runtimes/simulated';
import { describeRuntimeContract } from './runtime-contract';

describeRuntimeContract('simulated', () => new SimulatedRuntime({ timeScale: 0 }));
