// The base every service builds FROM: the host's static busybox (Debian's busybox-static) as a one-layer
// image, pushed into the bench's registry by buildctl itself. Nothing comes from Docker Hub.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export const busyboxPath = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));

export async function pushBaseImage({ dir, daemon, ref }) {
  await mkdir(dir, { recursive: true });
  await copyFile(busyboxPath, join(dir, 'busybox'));
  await writeFile(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
  );
  await execa('buildctl', [
    '--addr',
    daemon,
    'build',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${dir}`,
    '--local',
    `dockerfile=${dir}`,
    '--output',
    `type=image,name=${ref},push=true,registry.insecure=true`,
  ]);
}
