import { describe, expect, it } from 'vitest';
import { analyzeFiles } from './helpers/analyze.js';

const jwtFindings = (a: Awaited<ReturnType<typeof analyzeFiles>>) =>
  a.findings
    .filter((f) => f.ruleId.startsWith('jwt-') || f.ruleId.startsWith('token-'))
    .map((f) => `${f.ruleId} ${f.severity} ${f.location.file}:${f.location.startLine}`);

describe('JWT rules across files', () => {
  it('follows configuration classes, inheritance and imported settings to the line the secret is written', async () => {
    const a = await analyzeFiles({
      'shop/settings.py': `
        import os
        SIGNING_SECRET = "shop-signing-secret-2024"
        class Config:
            SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-fallback")
            JWT_ACCESS_TOKEN_EXPIRES = False
        class ProductionConfig(Config):
            DEBUG = False
        class TestingConfig(Config):
            TESTING = True
            JWT_SECRET_KEY = "testing-secret-value"
      `,
      'shop/__init__.py': `
        from flask import Flask
        def create_app():
            app = Flask(__name__)
            app.config.from_object("shop.settings.ProductionConfig")
            return app
      `,
      'shop/tokens.py': `
        import jwt
        from .settings import SIGNING_SECRET as KEY
        def issue(user_id, now, ttl):
            return jwt.encode({"sub": user_id, "exp": now + ttl}, KEY, algorithm="HS256")
      `,
    });
    expect(jwtFindings(a)).toEqual([
      'jwt-hardcoded-secret high shop/settings.py:2',
      'jwt-hardcoded-secret high shop/settings.py:4',
      'jwt-no-expiry medium shop/settings.py:5',
      'jwt-hardcoded-secret low shop/settings.py:10',
    ]);
    const secret = a.findings.find((f) => f.location.startLine === 2)!;
    expect(secret.message).toContain("`SIGNING_SECRET` is a literal in the code ('sh…' (24 chars))");
    expect(JSON.stringify(a.findings)).not.toContain('shop-signing-secret-2024');
    expect(a.secrets).toContainEqual({
      name: 'SIGNING_SECRET',
      value: 'shop-signing-secret-2024',
      file: 'shop/settings.py',
      line: 2,
    });
  });

  it('reports a secret imported from another module once, at the file and line that define it', async () => {
    const a = await analyzeFiles({
      'cfgpkg/__init__.py': '',
      'cfgpkg/secrets_cfg.py': `
        JWT_SECRET = "imported-signing-secret"
        SHARED_KEY = "shared-between-configs"
      `,
      'app.py': `
        from flask import Flask
        from cfgpkg.secrets_cfg import JWT_SECRET, SHARED_KEY
        app = Flask(__name__)
        app.config["JWT_SECRET_KEY"] = JWT_SECRET
        class TestingConfig:
            TESTING = True
            SECRET_KEY = SHARED_KEY
        class Config:
            SECRET_KEY = SHARED_KEY
      `,
    });
    expect(jwtFindings(a)).toEqual([
      'jwt-hardcoded-secret high cfgpkg/secrets_cfg.py:1',
      'jwt-hardcoded-secret high cfgpkg/secrets_cfg.py:2',
    ]);
    expect(a.findings.find((f) => f.location.startLine === 1)!.message).toContain(
      '`JWT_SECRET` is a literal',
    );
    expect(a.secrets.map((s) => `${s.name} ${s.file}:${s.line}`).sort()).toEqual([
      'JWT_SECRET cfgpkg/secrets_cfg.py:1',
      'SHARED_KEY cfgpkg/secrets_cfg.py:2',
    ]);
  });

  it('follows option dicts and algorithm lists defined in another module', async () => {
    const a = await analyzeFiles({
      'auth/constants.py': `
        DECODE_OPTIONS = {"verify_signature": False}
        ALGORITHMS = ["HS256", "none"]
      `,
      'auth/verify.py': `
        import os
        import jwt
        from auth.constants import DECODE_OPTIONS, ALGORITHMS
        KEY = os.environ["JWT_KEY"]
        def claims(token):
            return jwt.decode(token, KEY, algorithms=["HS256"], options=DECODE_OPTIONS)
        def claims_any(token):
            return jwt.decode(token, KEY, algorithms=ALGORITHMS)
      `,
    });
    expect(jwtFindings(a)).toEqual([
      'jwt-signature-not-verified critical auth/verify.py:6',
      'jwt-none-algorithm critical auth/verify.py:8',
    ]);
  });

  it('tells python-jose and authlib apart from PyJWT, and ignores a JWTManager named jwt', async () => {
    const a = await analyzeFiles({
      'app.py': `
        import os
        from flask import Flask
        from flask_jwt_extended import JWTManager
        from jose import jwt as jose_jwt
        from authlib.jose import jwt as authlib_jwt
        app = Flask(__name__)
        jwt = JWTManager(app)
        KEY = os.environ["KEY"]
        def with_jose(token):
            return jose_jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})
        def with_authlib(token):
            claims = authlib_jwt.decode(token, KEY)
            return claims
        def with_authlib_validated(token):
            claims = authlib_jwt.decode(token, KEY)
            claims.validate()
            return claims
        @jwt.user_lookup_loader
        def lookup(header, data):
            return data["sub"]
      `,
    });
    expect(jwtFindings(a)).toEqual(['jwt-no-expiry medium app.py:10', 'jwt-no-expiry medium app.py:12']);
  });

  it('reports decode without algorithms= only where the dependency files pin PyJWT below 2', async () => {
    const decode = `
      import jwt
      def claims(token, key):
          return jwt.decode(token, key)
    `;
    const a = await analyzeFiles({
      'legacy/requirements.txt': 'Flask==1.1.4\nPyJWT[crypto]==1.7.1  # the 2.x API after the migration\n',
      'legacy/api/auth.py': decode,
      'poetry/pyproject.toml':
        '[tool.poetry.dependencies]\npython = "^3.8"\nPyJWT = {version = "^1.7", extras = ["crypto"]}\n',
      'poetry/auth.py': decode,
      'pipenv/Pipfile': '[packages]\npyjwt = "<2.0"\n',
      'pipenv/auth.py': decode,
      'setuptools/setup.cfg': '[options]\ninstall_requires =\n    PyJWT >= 1.5, < 2\n',
      'setuptools/auth.py': decode,
      'current/requirements.txt': '# was PyJWT==1.7.1 before the migration\nPyJWT>=2.4,<3\n',
      'current/auth.py': decode,
      'unpinned/pyproject.toml':
        '[project]\ndescription = "uses pyjwt 1.x style tokens"\ndependencies = ["PyJWT"]\n',
      'unpinned/auth.py': decode,
    });
    expect(jwtFindings(a)).toEqual([
      'jwt-none-algorithm critical legacy/api/auth.py:3',
      'jwt-none-algorithm critical pipenv/auth.py:3',
      'jwt-none-algorithm critical poetry/auth.py:3',
      'jwt-none-algorithm critical setuptools/auth.py:3',
    ]);
    expect(a.findings[0]!.message).toContain('PyJWT 1.x accepts the algorithm the token names');
  });

  it('checks keys and expiry of authlib JsonWebToken instances whatever they are named', async () => {
    const a = await analyzeFiles({
      'tokens.py': `
        from authlib.jose import JsonWebToken
        from authlib.jose import jwt as jose_lib
        signer = JsonWebToken(["HS256"])
        def issue(payload):
            return signer.encode({"alg": "HS256"}, payload, "instance-signing-secret")
        def read(token):
            return signer.decode(token, "instance-decoding-secret")
        def read_module(token):
            claims = jose_lib.decode(token, "module-decoding-secret")
            claims.validate()
            return claims
      `,
    });
    expect(jwtFindings(a)).toEqual([
      'jwt-hardcoded-secret high tokens.py:5',
      'jwt-hardcoded-secret high tokens.py:7',
      'jwt-no-expiry medium tokens.py:7',
      'jwt-hardcoded-secret high tokens.py:9',
    ]);
    expect(a.secrets.map((s) => s.value)).toEqual([
      'instance-signing-secret',
      'instance-decoding-secret',
      'module-decoding-secret',
    ]);
  });
});
