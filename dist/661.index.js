export const id = 661;
export const ids = [661];
export const modules = {

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6288);
/* harmony import */ var _workspace_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4740);
// The post step (`post:` in action.yml, `post-if: always()`): removes what the main step left
// when it could not clean up itself, because it was killed. Normally there is nothing left.


function post() {
    const dir = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(_workspace_js__WEBPACK_IMPORTED_MODULE_1__/* .WORKSPACE_STATE */ .Ww);
    if (dir && (0,_workspace_js__WEBPACK_IMPORTED_MODULE_1__/* .removeWorkspace */ .qh)(dir))
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed ${dir}: the main step ended before it could (its Docker config and files)`);
}


/***/ }),

/***/ 4740:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ww: () => (/* binding */ WORKSPACE_STATE),
  sK: () => (/* binding */ createWorkspace),
  qh: () => (/* binding */ removeWorkspace)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/docker/config.ts
// The step's own Docker config (DOCKER_CONFIG): every docker command of the step uses it, the
// login is written into it, and it is deleted when the step ends, so the step's credentials
// never outlive it and the user's own config file is never written.
//
// It starts from the user's config: config.json is copied (other registries' logins, credential
// helpers, the current context, plugin settings), and every other entry of the user's folder
// (buildx builders, cli-plugins, contexts) is linked, so they keep working as they are.



/**
 * The key `docker login REGISTRY` stores credentials under: the host as given, except that no
 * registry and `docker.io` mean Docker Hub's index URL (docker CLI 28 keys `index.docker.io`
 * and `registry-1.docker.io` as written).
 */
function loginKey(registry) {
    const host = registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    return host === '' || host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
}
/**
 * The step's config.json from the user's. A `credsStore`, or a `credHelpers` entry for the
 * step's registry, would send the step's login to a store outside the step (a keychain, a
 * cloud helper): an empty helper for that registry makes docker (and buildx, which reads the
 * config the same way) keep that one login in the config file itself.
 */
function stepConfigJson(user, loginRegistry) {
    if (loginRegistry === undefined)
        return user;
    const key = loginKey(loginRegistry);
    if (!user.credsStore && !user.credHelpers?.[key])
        return user;
    return { ...user, credHelpers: { ...user.credHelpers, [key]: '' } };
}
/** The user's Docker config folder, as docker finds it. */
function userConfigDir(env) {
    return external_node_path_.resolve(env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker'));
}
/** Creates the step's config in `dir` (mode 0700) from the user's folder `userDir`. */
function createStepConfig(dir, userDir, loginRegistry) {
    external_node_fs_.mkdirSync(dir, { mode: 0o700 });
    // A DOCKER_CONFIG that is missing or not a folder: docker warns and uses its defaults.
    const entries = external_node_fs_.statSync(userDir, { throwIfNoEntry: false })?.isDirectory()
        ? external_node_fs_.readdirSync(userDir)
        : [];
    for (const entry of entries) {
        if (entry !== 'config.json')
            external_node_fs_.symlinkSync(external_node_path_.join(userDir, entry), external_node_path_.join(dir, entry));
    }
    let text;
    try {
        text = external_node_fs_.readFileSync(external_node_path_.join(userDir, 'config.json'), 'utf8');
    }
    catch {
        text = undefined; // no config yet: docker's defaults
    }
    let json;
    try {
        const parsed = text === undefined ? {} : JSON.parse(text);
        // Not an object: copied as it is, so docker reports it in its own words.
        json =
            parsed && typeof parsed === 'object' && !Array.isArray(parsed)
                ? parsed
                : undefined;
    }
    catch {
        json = undefined; // unreadable: the same
    }
    const written = json ? JSON.stringify(stepConfigJson(json, loginRegistry), null, 2) : text;
    external_node_fs_.writeFileSync(external_node_path_.join(dir, 'config.json'), written, { mode: 0o600 });
}

;// CONCATENATED MODULE: ./src/workspace.ts
// The step's own folder under RUNNER_TEMP (mode 0700): its Docker config, the secret files the
// build reads, and the files docker writes back. The main step removes it when it ends; its
// path is saved as state, so the post step removes it when the main step could not (killed).




/** The name of the state (`core.saveState`) that holds the folder's path for the post step. */
const WORKSPACE_STATE = 'workspace';
const PREFIX = 'build-push-notify-';
function createWorkspace(env, loginRegistry) {
    // Absolute, so that the post step (and removeWorkspace's check) finds it from any folder.
    const root = external_node_path_.resolve(env.RUNNER_TEMP || external_node_os_.tmpdir());
    external_node_fs_.mkdirSync(root, { recursive: true });
    const dir = external_node_fs_.mkdtempSync(external_node_path_.join(root, PREFIX));
    const dockerConfig = external_node_path_.join(dir, 'docker-config');
    try {
        createStepConfig(dockerConfig, userConfigDir(env), loginRegistry);
    }
    catch (error) {
        removeWorkspace(dir);
        throw error;
    }
    return { dir, dockerConfig };
}
/**
 * Removes a workspace (links inside it are removed, never what they point to). Only a folder
 * this action made is removed, whatever the state says. Returns whether there was one.
 */
function removeWorkspace(dir) {
    if (!external_node_path_.isAbsolute(dir) || !external_node_path_.basename(dir).startsWith(PREFIX))
        return false;
    if (!external_node_fs_.existsSync(dir))
        return false;
    external_node_fs_.rmSync(dir, { recursive: true, force: true });
    return true;
}


/***/ })

};
