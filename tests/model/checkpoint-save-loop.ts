// Child process for checkpoint.test.ts: saves a 16 MB checkpoint at argv[2] over and over, each
// time filled with the next value 1, 2, 3…, printing "saved" after the first, until it is killed.
import { saveCheckpoint } from '../../src/model/checkpoint';

void (async () => {
  const data = new Float32Array(4 << 20);
  for (let i = 1; ; i++) {
    data.fill(i);
    await saveCheckpoint(process.argv[2], { w: { data, shape: [data.length] } }, { config: { fill: i } });
    if (i === 1) process.stdout.write('saved\n');
  }
})();
