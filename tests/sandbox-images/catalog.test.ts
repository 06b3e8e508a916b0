import { allImageRefs, catalog, hasImage } from '@/sandbox/images/catalog';
import { dockerfileFor, recipeHash } from '@/sandbox/images/builder';
import { mirrorRepository, registryConfig } from '@/sandbox/images/registry';

describe('lesson image catalog', () => {
  it('has the images the lessons and the notes use, and not the broken tag of the rollback lesson', () => {
    for (const ref of ['nginx:latest', 'nginx:1.25', 'nginx:1.26', 'nginx:1.27', 'nginx:1.16.0', 'busybox:latest', 'hello-world:latest', 'kubelab/echo-hostname:latest', 'registry:2', 'debian:bookworm-slim']) {
      expect(allImageRefs()).toContain(ref);
    }
    expect(hasImage('nginx', '1.17.23')).toBe(false);
  });

  it('writes a Dockerfile per tag with the tag substituted and a recipe label', () => {
    const nginx = catalog.find((r) => r.repository === 'nginx')!;
    const dockerfile = dockerfileFor(nginx, '1.26');
    expect(dockerfile).toMatch(/^FROM kubelab\/base:bookworm\n/);
    expect(dockerfile).toContain('apt-get install -y --no-install-recommends nginx-light curl');
    expect(dockerfile).toContain('ENV NGINX_VERSION=1.26');
    expect(dockerfile).not.toContain('{{TAG}}');
    expect(dockerfile).toContain(`io.kubelab.recipe=${recipeHash(nginx, '1.26')}`);
  });

  it('changes the recipe hash when the recipe or tag changes', () => {
    const nginx = catalog.find((r) => r.repository === 'nginx')!;
    expect(recipeHash(nginx, '1.25')).not.toBe(recipeHash(nginx, '1.26'));
    expect(recipeHash({ ...nginx, packages: ['nginx-full'] }, '1.25')).not.toBe(recipeHash(nginx, '1.25'));
  });

  it('mirrors official images under library/ like Docker Hub', () => {
    expect(mirrorRepository('nginx')).toBe('library/nginx');
    expect(mirrorRepository('kubelab/echo-hostname')).toBe('kubelab/echo-hostname');
    expect(registryConfig('/data', '127.0.0.1:5000')).toContain('addr: 127.0.0.1:5000');
  });
});
