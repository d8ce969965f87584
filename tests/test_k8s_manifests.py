"""The Kubernetes manifests in deploy/k8s/: valid for the Kubernetes versions we support (strict:
an unknown or misspelt field fails), and consistent with the application and with each other.

Validation uses kubernetes-validate's API rather than its CLI: the CLI only warns, and exits 0,
for a kind it has no schema for (a misspelt ``kind`` included).
"""

import copy
import re
import runpy
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.test import Client
from django.urls import resolve
from kubernetes_validate import utils as kubernetes_validate

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes the manifests support (the preStop `sleep` action is on by default from
# 1.30) and the newest the pinned kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30", "1.37")
SECRET_TEMPLATE = "secret.template.yaml"
MANIFESTS = sorted(path.name for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
SETTINGS_SOURCES = "".join(
    (ROOT / name).read_text() for name in ["config/settings.py", "gunicorn.conf.py"]
)
IMAGE = "ghcr.io/example/psychoplastogen-guidance"
# Old web pods still in their grace period (holding their connections) while a rollout has
# already replaced them: the connection budget allows for this many at once.
DRAINING_PODS = 2


def documents(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


RESOURCES = {
    (doc["kind"], doc["metadata"]["name"]): doc for name in MANIFESTS for doc in documents(name)
}


def resource(kind: str, name: str) -> dict:
    try:
        return RESOURCES[kind, name]
    except KeyError:
        raise LookupError(
            f"deploy/k8s has no {kind} named {name} (a misspelt kind?); it has {sorted(RESOURCES)}"
        ) from None


DEPLOYMENT = resource("Deployment", "guidance-web")
POD = DEPLOYMENT["spec"]["template"]["spec"]
WEB = next(c for c in POD["containers"] if c["name"] == "web")
JOB = resource("Job", "guidance-prepare")
JOB_POD = JOB["spec"]["template"]["spec"]
CONFIG = resource("ConfigMap", "guidance-config")["data"]
SECRET = resource("Secret", "guidance-secrets")
HPA = resource("HorizontalPodAutoscaler", "guidance-web")
PDB = resource("PodDisruptionBudget", "guidance-web")
SERVICE = resource("Service", "guidance-web")
INGRESS = resource("Ingress", "guidance")
NETWORK_POLICY = resource("NetworkPolicy", "guidance-web")


def validation_errors(doc: dict) -> list[str]:
    """What is wrong with one resource, for every supported Kubernetes version (strict)."""
    errors = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(item) for item in exc.path)
            errors.append(f"{version}: {where}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{version}: {exc.message}")
    return errors


def containers(pod: dict) -> list[dict]:
    return [*pod.get("initContainers", []), *pod["containers"]]


def environment(container: dict) -> dict[str, str]:
    """The variables a container sees: its envFrom sources (as committed), then its own env."""
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            values |= RESOURCES["ConfigMap", source["configMapRef"]["name"]]["data"]
        else:
            values |= RESOURCES["Secret", source["secretRef"]["name"]]["stringData"]
    return values | {item["name"]: item["value"] for item in container.get("env", [])}


def selects(selector: dict, labels: dict) -> bool:
    return selector.items() <= labels.items()


def gunicorn_config(monkeypatch) -> dict:
    """gunicorn.conf.py as it runs in a web pod, with the pod's environment."""
    for name, value in environment(WEB).items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def cpus(quantity: str) -> float:
    return int(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


@pytest.mark.parametrize("name", MANIFESTS)
def test_every_manifest_validates_strictly_against_the_supported_versions(name):
    docs = documents(name)
    assert docs, f"{name} holds no resource"
    for doc in docs:
        assert validation_errors(doc) == [], f"{name}: {doc['kind']}/{doc['metadata']['name']}"


def test_the_validation_catches_a_misspelt_field_and_an_unknown_kind():
    misspelt = copy.deepcopy(DEPLOYMENT)
    probe = misspelt["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    probe["timeoutSecond"] = probe.pop("timeoutSeconds")
    assert any("timeoutSecond" in error for error in validation_errors(misspelt))
    unknown = copy.deepcopy(DEPLOYMENT) | {"kind": "Deploymnet"}
    assert any("Deploymnet" in error for error in validation_errors(unknown))
    wrong_type = copy.deepcopy(HPA)
    wrong_type["spec"]["minReplicas"] = "2"
    assert validation_errors(wrong_type)


def test_the_kustomization_applies_every_manifest_but_the_secret_template():
    assert KUSTOMIZATION["namespace"] == "guidance"
    assert sorted(KUSTOMIZATION["resources"]) == sorted(
        name for name in MANIFESTS if name != SECRET_TEMPLATE
    )
    assert KUSTOMIZATION["images"] == [{"name": IMAGE, "newTag": "RELEASE"}]
    for doc in RESOURCES.values():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "guidance", doc["metadata"]["name"]


def test_one_images_entry_sets_the_release_of_every_container():
    """`kustomize edit set image` (or an overlay's `images:`) retags containers by image name:
    every container must name the one image, so a release can never run two builds at once."""
    images = set()
    for doc in RESOURCES.values():
        if doc["kind"] in {"Deployment", "Job"}:
            images |= {c["image"] for c in containers(doc["spec"]["template"]["spec"])}
    assert {image.rsplit(":", 1)[0] for image in images} == {IMAGE}


def test_the_secret_template_holds_no_secret_and_names_what_the_app_needs():
    assert SECRET["type"] == "Opaque"
    assert SECRET["stringData"] == {"SECRET_KEY": "", "DATABASE_URL": "", "REDIS_URL": ""}
    assert "data" not in SECRET
    text = (K8S / SECRET_TEMPLATE).read_text()
    assert "kubectl -n guidance create secret generic guidance-secrets" in text
    assert "openssl rand -hex 32" in text


def test_every_variable_the_manifests_set_is_read_by_the_settings_or_gunicorn():
    names = set(CONFIG) | set(SECRET["stringData"])
    for pod in (POD, JOB_POD):
        for container in containers(pod):
            names |= {item["name"] for item in container.get("env", [])}
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef") or source["secretRef"]
                kind = "ConfigMap" if "configMapRef" in source else "Secret"
                assert (kind, ref["name"]) in RESOURCES, ref["name"]
    for name in sorted(names):
        # Read as env_int("NAME", ...) or, inside an f-string, env_int('NAME', ...).
        assert re.search(rf"[\"']{name}[\"']", SETTINGS_SOURCES), (
            f"{name} is set in deploy/k8s but never read"
        )
    # RELEASE comes from the image (its build argument), never from the manifests.
    assert "RELEASE" not in names


def test_every_container_runs_the_release_image_as_the_images_user_on_a_read_only_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    uid = int(re.search(r"useradd .*--uid (\d+)", dockerfile).group(1))
    for pod in (POD, JOB_POD):
        assert pod["automountServiceAccountToken"] is False
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["runAsUser"] == uid
        assert security["seccompProfile"]["type"] == "RuntimeDefault"
        mounts_tmp = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        for container in containers(pod):
            assert container["image"] == f"{IMAGE}:RELEASE"
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            # Python's tempfile and gunicorn's heartbeat files need a writable /tmp.
            assert any(
                m["mountPath"] == "/tmp" and m["name"] in mounts_tmp
                for m in container["volumeMounts"]
            ), container["name"]
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["requests"].keys()
            assert {"cpu", "memory"} <= resources["limits"].keys()


def test_the_web_container_runs_gunicorn_only_with_options_gunicorn_knows():
    from gunicorn.config import Config

    command = WEB["command"]
    assert command[:3] == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert "prepare" not in " ".join(command)
    assert "bin/start" not in command
    parsed = Config().parser().parse_args(command[1:])
    # Heartbeat files on the in-memory /tmp; no control socket under the read-only home.
    assert parsed.worker_tmp_dir == "/tmp"
    assert parsed.control_socket_disable is True


def test_the_job_prepares_the_database_and_cleans_up_after_itself():
    (container,) = JOB_POD["containers"]
    assert container["command"][:3] == ["python", "manage.py", "prepare"]
    assert (ROOT / "infra/management/commands/prepare.py").exists()
    spec = JOB["spec"]
    assert spec["backoffLimit"] >= 1
    assert spec["ttlSecondsAfterFinished"] > 0
    assert spec["activeDeadlineSeconds"] > 0
    assert spec.get("parallelism", 1) == 1
    assert JOB_POD["restartPolicy"] == "Never"
    # Nothing that routes traffic to, or counts, the web pods picks the Job's pod.
    job_labels = JOB["spec"]["template"]["metadata"]["labels"]
    for selector in (
        SERVICE["spec"]["selector"],
        PDB["spec"]["selector"]["matchLabels"],
        DEPLOYMENT["spec"]["selector"]["matchLabels"],
    ):
        assert not selects(selector, job_labels)


def test_new_web_pods_wait_for_the_jobs_migrations():
    (init,) = POD["initContainers"]
    assert "manage.py migrate --check" in " ".join(init["command"])
    assert environment(init).keys() >= {"SECRET_KEY", "DATABASE_URL"}


def test_the_probes_hit_readyz_and_healthz_on_the_container_port_with_an_allowed_host():
    ports = {p["name"]: p["containerPort"] for p in WEB["ports"]}
    assert int(environment(WEB)["PORT"]) in ports.values()
    allowed_hosts = CONFIG["ALLOWED_HOSTS"].split(",")
    paths = {}
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = WEB[kind]["httpGet"]
        assert probe["port"] in ports or probe["port"] in ports.values(), kind
        (host,) = [h["value"] for h in probe["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed_hosts, kind
        assert probe.get("scheme", "HTTP") == "HTTP"
        paths[kind] = probe["path"]
    assert paths == {
        "startupProbe": "/healthz",
        "readinessProbe": "/readyz",
        "livenessProbe": "/healthz",
    }
    assert resolve("/readyz").url_name == "readyz"
    assert resolve("/healthz").url_name == "healthz"


def test_the_probe_timeouts_let_a_slow_database_read_as_not_ready_but_never_restart_a_pod(
    monkeypatch,
):
    config = gunicorn_config(monkeypatch)
    readiness, liveness = WEB["readinessProbe"], WEB["livenessProbe"]
    # /readyz waits up to DB_CONNECT_TIMEOUT for the database: the probe waits longer.
    assert readiness["timeoutSeconds"] > int(CONFIG["DB_CONNECT_TIMEOUT"])
    # A worker busy up to gunicorn's timeout is not a dead process.
    assert liveness["periodSeconds"] * liveness["failureThreshold"] > config["timeout"]
    startup = WEB["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 30


def test_liveness_needs_no_database(settings):
    # No django_db mark: pytest-django fails any query, so a 200 proves /healthz makes none.
    # With the deployment's hosts and the HTTPS redirect on, as in the pods.
    settings.ALLOWED_HOSTS = CONFIG["ALLOWED_HOSTS"].split(",")
    settings.SECURE_SSL_REDIRECT = True
    host = next(
        h["value"] for h in WEB["livenessProbe"]["httpGet"]["httpHeaders"] if h["name"] == "Host"
    )
    response = Client().get(WEB["livenessProbe"]["httpGet"]["path"], headers={"host": host})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_rollout_never_drops_below_the_current_count_and_drains_gracefully(monkeypatch):
    config = gunicorn_config(monkeypatch)
    rolling = DEPLOYMENT["spec"]["strategy"]["rollingUpdate"]
    assert DEPLOYMENT["spec"]["strategy"]["type"] == "RollingUpdate"
    assert rolling["maxUnavailable"] == 0
    assert rolling["maxSurge"] >= 1
    # The HPA owns the replica count.
    assert "replicas" not in DEPLOYMENT["spec"]
    drain = WEB["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert drain >= 5
    assert POD["terminationGracePeriodSeconds"] > drain + config["graceful_timeout"]
    keys = {c["topologyKey"] for c in POD["topologySpreadConstraints"]}
    assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    pod_labels = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    for constraint in POD["topologySpreadConstraints"]:
        assert selects(constraint["labelSelector"]["matchLabels"], pod_labels)


def test_the_hpa_scales_the_deployment_on_cpu_from_two():
    assert HPA["apiVersion"] == "autoscaling/v2"
    assert HPA["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": DEPLOYMENT["metadata"]["name"],
    }
    assert HPA["spec"]["minReplicas"] >= 2
    assert HPA["spec"]["maxReplicas"] > HPA["spec"]["minReplicas"]
    (metric,) = HPA["spec"]["metrics"]
    assert metric["type"] == "Resource"
    assert metric["resource"]["name"] == "cpu"
    assert 0 < metric["resource"]["target"]["averageUtilization"] <= 100
    # Utilization is of the request: every web container must have one.
    assert all("cpu" in c["resources"]["requests"] for c in POD["containers"])


def test_the_service_pdb_and_network_policy_select_the_web_pods():
    pod_labels = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    assert selects(DEPLOYMENT["spec"]["selector"]["matchLabels"], pod_labels)
    assert PDB["apiVersion"] == "policy/v1"
    assert PDB["spec"]["selector"]["matchLabels"] == DEPLOYMENT["spec"]["selector"]["matchLabels"]
    assert PDB["spec"]["maxUnavailable"] < HPA["spec"]["minReplicas"]
    assert selects(SERVICE["spec"]["selector"], pod_labels)
    assert SERVICE["spec"]["selector"] == DEPLOYMENT["spec"]["selector"]["matchLabels"]
    port_names = {p["name"] for p in WEB["ports"]}
    assert {p["targetPort"] for p in SERVICE["spec"]["ports"]} <= port_names
    assert selects(NETWORK_POLICY["spec"]["podSelector"]["matchLabels"], pod_labels)
    assert {p["port"] for rule in NETWORK_POLICY["spec"]["ingress"] for p in rule["ports"]} <= (
        port_names
    )


def test_the_fleet_at_the_hpa_maximum_stays_within_the_documented_connection_budget(monkeypatch):
    config = gunicorn_config(monkeypatch)  # raises if workers x threads > DB_MAX_CONNECTIONS
    per_pod = config["workers"] * config["threads"]
    env = environment(WEB)
    assert per_pod == int(env["WEB_CONCURRENCY"]) * int(env["GUNICORN_THREADS"])
    assert per_pod <= int(env["DB_MAX_CONNECTIONS"])
    # Workers sized for the CPU limit, not for the node (gunicorn's default counts the node).
    assert config["workers"] <= 2 * cpus(WEB["resources"]["limits"]["cpu"]) + 1
    budget = int(DEPLOYMENT["metadata"]["annotations"]["guidance.example.org/db-connection-budget"])
    surge = DEPLOYMENT["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    web_pods = HPA["spec"]["maxReplicas"] + surge + DRAINING_PODS
    prepare = JOB["spec"].get("parallelism", 1)
    assert web_pods * per_pod + prepare <= budget
    # The comment that documents the sum states the same numbers.
    text = (K8S / "deployment.yaml").read_text()
    assert f"HPA maxReplicas {HPA['spec']['maxReplicas']} " in text
    assert f"<= {budget}" in text


def test_the_ingress_routes_to_the_service_with_buffering_and_timeouts_around_gunicorns(
    monkeypatch,
):
    config = gunicorn_config(monkeypatch)
    annotations = INGRESS["metadata"]["annotations"]
    (rule,) = INGRESS["spec"]["rules"]
    assert rule["host"] in CONFIG["ALLOWED_HOSTS"].split(",")
    assert rule["host"] in INGRESS["spec"]["tls"][0]["hosts"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == SERVICE["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in SERVICE["spec"]["ports"]}
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "proxy-buffering"] == "on"
    assert annotations[prefix + "proxy-request-buffering"] == "on"
    # nginx never cuts a request before gunicorn's own timeout would.
    assert int(annotations[prefix + "proxy-read-timeout"]) > config["timeout"]
    assert int(annotations[prefix + "proxy-send-timeout"]) > config["timeout"]
    # A request that ran long is never replayed on another pod.
    assert int(annotations[prefix + "proxy-next-upstream-timeout"]) < config["timeout"]
    assert "http_5" not in annotations[prefix + "proxy-next-upstream"]
    # The body limit is Django's own (2.5 MiB), so nginx refuses exactly what Django would.
    body = annotations[prefix + "proxy-body-size"]
    assert body.endswith("k")
    assert int(body[:-1]) * 1024 == django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # The app's query-string bound fits in ingress-nginx's default request-line buffer (8k), so
    # an over-long query gets the app's problem answer, not nginx's 414.
    assert int(CONFIG["API_MAX_QUERY_STRING"]) + 1024 <= 8 * 1024
