// The stand-ins live with demo mode (src/demo/), which runs them for people; the tests use the same ones.
export * from '../../src/demo/stand-ins/fake-slack.js';
