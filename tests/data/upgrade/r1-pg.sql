--
-- PostgreSQL database dump
--

\restrict zrYPkwoBYmmglulISJ3K1j3NxFaogf7knGRLawwMeNmLQJCby4Y1GOkz3s9kEdC

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: activity; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.activity (
    tenant_id bigint NOT NULL,
    counter text NOT NULL,
    year integer NOT NULL,
    n bigint DEFAULT 0 NOT NULL
);


--
-- Name: adhesions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.adhesions (
    tenant_id bigint NOT NULL,
    deliberation_date text DEFAULT ''::text NOT NULL,
    start_date text DEFAULT ''::text NOT NULL,
    renewed_on text DEFAULT ''::text NOT NULL,
    termination_notified_on text DEFAULT ''::text NOT NULL
);


--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    token_hash text NOT NULL,
    user_id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    roles integer NOT NULL,
    label text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    last_used bigint DEFAULT 0 NOT NULL,
    revoked integer DEFAULT 0 NOT NULL
);


--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;


--
-- Name: assistance; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.assistance (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    day text NOT NULL,
    minutes integer NOT NULL,
    subject text DEFAULT ''::text NOT NULL,
    user_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: assistance_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.assistance_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: assistance_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.assistance_id_seq OWNED BY public.assistance.id;


--
-- Name: audit_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_head (
    id integer NOT NULL,
    n bigint NOT NULL,
    last_hash text NOT NULL
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    tenant_id bigint DEFAULT 0 NOT NULL,
    user_id bigint DEFAULT 0 NOT NULL,
    ip text DEFAULT ''::text NOT NULL,
    action text NOT NULL,
    object text DEFAULT ''::text NOT NULL,
    detail text DEFAULT ''::text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: blobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blobs (
    sha256 text NOT NULL,
    size bigint NOT NULL,
    mime text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: collectivites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collectivites (
    id bigint NOT NULL,
    operator_id bigint NOT NULL,
    name text NOT NULL,
    siren text NOT NULL,
    siret text DEFAULT ''::text NOT NULL,
    kind text NOT NULL,
    population integer DEFAULT 0 NOT NULL,
    departement text DEFAULT ''::text NOT NULL,
    prefecture text DEFAULT ''::text NOT NULL,
    website text DEFAULT ''::text NOT NULL,
    city text DEFAULT ''::text NOT NULL,
    tiers integer DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: collectivites_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collectivites_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: collectivites_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collectivites_id_seq OWNED BY public.collectivites.id;


--
-- Name: jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.jobs (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload text DEFAULT '{}'::text NOT NULL,
    idem_key text,
    tenant_id bigint DEFAULT 0 NOT NULL,
    state text DEFAULT 'queued'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 8 NOT NULL,
    run_at bigint NOT NULL,
    locked_by text DEFAULT ''::text NOT NULL,
    locked_until bigint DEFAULT 0 NOT NULL,
    last_error text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    finished_at bigint DEFAULT 0 NOT NULL
);


--
-- Name: jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.jobs_id_seq OWNED BY public.jobs.id;


--
-- Name: kv; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kv (
    k text NOT NULL,
    v text NOT NULL
);


--
-- Name: login_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_failures (
    id bigint NOT NULL,
    k text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: login_failures_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.login_failures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: login_failures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.login_failures_id_seq OWNED BY public.login_failures.id;


--
-- Name: memberships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.memberships (
    user_id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    roles integer NOT NULL
);


--
-- Name: operators; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.operators (
    id bigint NOT NULL,
    name text NOT NULL,
    siret text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: operators_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.operators_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: operators_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.operators_id_seq OWNED BY public.operators.id;


--
-- Name: password_resets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.password_resets (
    token_hash text NOT NULL,
    user_id bigint NOT NULL,
    expires_at bigint NOT NULL,
    used integer DEFAULT 0 NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: selftest_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.selftest_runs (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    worker text NOT NULL,
    at bigint NOT NULL
);


--
-- Name: selftest_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.selftest_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: selftest_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.selftest_runs_id_seq OWNED BY public.selftest_runs.id;


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    id_hash text NOT NULL,
    user_id bigint NOT NULL,
    tenant_id bigint DEFAULT 0 NOT NULL,
    csrf text NOT NULL,
    created_at bigint NOT NULL,
    last_seen bigint NOT NULL,
    ip text DEFAULT ''::text NOT NULL
);


--
-- Name: setup_steps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.setup_steps (
    id bigint NOT NULL,
    tenant_id bigint NOT NULL,
    step text NOT NULL,
    planned_on text DEFAULT ''::text NOT NULL,
    done_on text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL
);


--
-- Name: setup_steps_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.setup_steps_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: setup_steps_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.setup_steps_id_seq OWNED BY public.setup_steps.id;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    login text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    first_name text DEFAULT ''::text NOT NULL,
    last_name text DEFAULT ''::text NOT NULL,
    fonction text DEFAULT ''::text NOT NULL,
    password_hash text DEFAULT ''::text NOT NULL,
    is_operator integer DEFAULT 0 NOT NULL,
    disabled integer DEFAULT 0 NOT NULL,
    failed_count integer DEFAULT 0 NOT NULL,
    locked_until bigint DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: api_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);


--
-- Name: assistance id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assistance ALTER COLUMN id SET DEFAULT nextval('public.assistance_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: collectivites id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collectivites ALTER COLUMN id SET DEFAULT nextval('public.collectivites_id_seq'::regclass);


--
-- Name: jobs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs ALTER COLUMN id SET DEFAULT nextval('public.jobs_id_seq'::regclass);


--
-- Name: login_failures id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_failures ALTER COLUMN id SET DEFAULT nextval('public.login_failures_id_seq'::regclass);


--
-- Name: operators id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operators ALTER COLUMN id SET DEFAULT nextval('public.operators_id_seq'::regclass);


--
-- Name: selftest_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.selftest_runs ALTER COLUMN id SET DEFAULT nextval('public.selftest_runs_id_seq'::regclass);


--
-- Name: setup_steps id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.setup_steps ALTER COLUMN id SET DEFAULT nextval('public.setup_steps_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Data for Name: activity; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.activity (tenant_id, counter, year, n) FROM stdin;
\.


--
-- Data for Name: adhesions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.adhesions (tenant_id, deliberation_date, start_date, renewed_on, termination_notified_on) FROM stdin;
1	2024-02-12	2024-03-01		
\.


--
-- Data for Name: api_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_tokens (id, token_hash, user_id, tenant_id, roles, label, created_at, last_used, revoked) FROM stdin;
\.


--
-- Data for Name: assistance; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.assistance (id, tenant_id, day, minutes, subject, user_id) FROM stdin;
1	1	2024-09-17	45	Renouvellement du certificat de télétransmission	0
\.


--
-- Data for Name: audit_head; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_head (id, n, last_hash) FROM stdin;
1	10	0bab52a4cd893dd477236a85fd78597ff8f9c7c753d036383e68aca70fa49424
\.


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_log (id, seq, at, tenant_id, user_id, ip, action, object, detail, prev_hash, hash) FROM stdin;
1	1	1795924493	1	0	demo	collectivite.creation	246200364	Communauté de Communes Pays d'Opale	0000000000000000000000000000000000000000000000000000000000000000	bc325c7ba1fa10a41c65afcaf290bb12451a538763e49b47a9ac0f0af89c9234
2	2	1795924493	0	0	demo	utilisateur.creation	cdg.operateur	opérateur	bc325c7ba1fa10a41c65afcaf290bb12451a538763e49b47a9ac0f0af89c9234	3beafca79a4bbf6d6fc07c7ba090eb751d237a8e6d04aecb05cf1b7f193b3977
3	3	1795924494	0	0	demo	utilisateur.creation	ccpo.admin		3beafca79a4bbf6d6fc07c7ba090eb751d237a8e6d04aecb05cf1b7f193b3977	0bac15f53a71e2d114a2b925e44dd1cf3b2c07e8c977c460e8a40729ddd82e4f
4	4	1795924494	0	0	demo	utilisateur.creation	ccpo.agent		0bac15f53a71e2d114a2b925e44dd1cf3b2c07e8c977c460e8a40729ddd82e4f	aaecae0946098a82f1559a236ab4a38becc687bb1c8d6d2c9939a90ff79a734a
5	5	1795924494	0	0	demo	utilisateur.creation	ccpo.dgs		aaecae0946098a82f1559a236ab4a38becc687bb1c8d6d2c9939a90ff79a734a	7c6329780878fc629cd675eb69eb42b1dc24a226e5b1b158583d0ee02b8e8d50
6	6	1795924494	0	0	demo	utilisateur.creation	ccpo.president		7c6329780878fc629cd675eb69eb42b1dc24a226e5b1b158583d0ee02b8e8d50	f5cde73cec1e3dca705ee250571d286c3b72b1841a6476baeee7e7213308188a
7	7	1795924494	0	0	demo	utilisateur.creation	ccpo.secretaire		f5cde73cec1e3dca705ee250571d286c3b72b1841a6476baeee7e7213308188a	04a12d1fd8713340a1a66daead99c62c56a77010cec2c720ee7cd320309c9086
8	8	1795924495	0	0	demo	utilisateur.creation	ccpo.elu		04a12d1fd8713340a1a66daead99c62c56a77010cec2c720ee7cd320309c9086	f74006a8b3da57ac199d6fb5a414b1ff4b500df7a94ad1c73c8a2229e88a3625
9	9	1795924496	0	0	demo	utilisateur.creation	ccpo.auditeur		f74006a8b3da57ac199d6fb5a414b1ff4b500df7a94ad1c73c8a2229e88a3625	c965798910e396414d6fc639c1c3e1cd6d502ea52fbc0fed6a61d2f619803146
10	10	1795924497	1	2	127.0.0.1	connexion	ccpo.admin	api	c965798910e396414d6fc639c1c3e1cd6d502ea52fbc0fed6a61d2f619803146	0bab52a4cd893dd477236a85fd78597ff8f9c7c753d036383e68aca70fa49424
\.


--
-- Data for Name: blobs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.blobs (sha256, size, mime, created_at) FROM stdin;
\.


--
-- Data for Name: collectivites; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.collectivites (id, operator_id, name, siren, siret, kind, population, departement, prefecture, website, city, tiers, created_at) FROM stdin;
1	1	Communauté de Communes Pays d'Opale	246200364	24620036400015	cc	24000	062	PREF062	https://www.ccpo.fr	Guînes	6	1795924493
\.


--
-- Data for Name: jobs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.jobs (id, kind, payload, idem_key, tenant_id, state, attempts, max_attempts, run_at, locked_by, locked_until, last_error, created_at, finished_at) FROM stdin;
1	selftest.record	{}	selftest-30364-0	0	queued	0	5	1795924496		0		1795924496	0
2	selftest.record	{}	selftest-30364-1	0	queued	0	5	1795924496		0		1795924496	0
3	selftest.record	{}	selftest-30364-2	0	queued	0	5	1795924496		0		1795924496	0
4	selftest.record	{}	selftest-30364-3	0	queued	0	5	1795924496		0		1795924496	0
5	selftest.record	{}	selftest-30364-4	0	queued	0	5	1795924496		0		1795924496	0
6	selftest.record	{}	selftest-30364-5	0	queued	0	5	1795924496		0		1795924496	0
7	selftest.record	{}	selftest-30364-6	0	queued	0	5	1795924496		0		1795924496	0
8	selftest.record	{}	selftest-30364-7	0	queued	0	5	1795924496		0		1795924496	0
9	selftest.record	{}	selftest-30364-8	0	queued	0	5	1795924496		0		1795924496	0
10	selftest.record	{}	selftest-30364-9	0	queued	0	5	1795924496		0		1795924496	0
11	selftest.record	{}	selftest-30364-10	0	queued	0	5	1795924496		0		1795924496	0
12	selftest.record	{}	selftest-30364-11	0	queued	0	5	1795924496		0		1795924496	0
13	selftest.record	{}	selftest-30364-12	0	queued	0	5	1795924496		0		1795924496	0
14	selftest.record	{}	selftest-30364-13	0	queued	0	5	1795924496		0		1795924496	0
15	selftest.record	{}	selftest-30364-14	0	queued	0	5	1795924496		0		1795924496	0
16	selftest.record	{}	selftest-30364-15	0	queued	0	5	1795924496		0		1795924496	0
17	selftest.record	{}	selftest-30364-16	0	queued	0	5	1795924496		0		1795924496	0
18	selftest.record	{}	selftest-30364-17	0	queued	0	5	1795924496		0		1795924496	0
19	selftest.record	{}	selftest-30364-18	0	queued	0	5	1795924496		0		1795924496	0
20	selftest.record	{}	selftest-30364-19	0	queued	0	5	1795924496		0		1795924496	0
21	selftest.record	{}	selftest-30364-20	0	queued	0	5	1795924496		0		1795924496	0
22	selftest.record	{}	selftest-30364-21	0	queued	0	5	1795924496		0		1795924496	0
23	selftest.record	{}	selftest-30364-22	0	queued	0	5	1795924496		0		1795924496	0
24	selftest.record	{}	selftest-30364-23	0	queued	0	5	1795924496		0		1795924496	0
25	selftest.record	{}	selftest-30364-24	0	queued	0	5	1795924496		0		1795924496	0
\.


--
-- Data for Name: kv; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.kv (k, v) FROM stdin;
\.


--
-- Data for Name: login_failures; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.login_failures (id, k, at) FROM stdin;
\.


--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.memberships (user_id, tenant_id, roles) FROM stdin;
2	1	2
3	1	4
4	1	12
5	1	40
6	1	16
7	1	32
8	1	64
\.


--
-- Data for Name: operators; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.operators (id, name, siret, created_at) FROM stdin;
1	CDG 62 — Centre de Gestion de la Fonction Publique Territoriale du Pas-de-Calais		1795924493
\.


--
-- Data for Name: password_resets; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.password_resets (token_hash, user_id, expires_at, used) FROM stdin;
\.


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.schema_migrations (version, name, applied_at) FROM stdin;
1	0001_core.sql	1795924493
2	0002_identity.sql	1795924493
3	0003_selftest.sql	1795924493
\.


--
-- Data for Name: selftest_runs; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.selftest_runs (id, job_id, worker, at) FROM stdin;
\.


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sessions (id_hash, user_id, tenant_id, csrf, created_at, last_seen, ip) FROM stdin;
7a63fefac7184e513729bbd4d2383e492d272fd91103bfa04b6a8945e134d0df	2	1	TGCQmZFHvoewem7QVZwXf7W31ODguQ1tDON_aWzyxsI	1795924497	1795924497	127.0.0.1
\.


--
-- Data for Name: setup_steps; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.setup_steps (id, tenant_id, step, planned_on, done_on, note) FROM stdin;
1	1	etude	2024-03-15	2024-03-28	
2	1	procedures	2024-04-15	2024-04-30	
3	1	parametrage	2024-05-15	2024-05-22	
4	1	formation	2024-06-10		
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (id, login, email, first_name, last_name, fonction, password_hash, is_operator, disabled, failed_count, locked_until, created_at) FROM stdin;
1	cdg.operateur	cdg.operateur@demo.opale.invalid	Camille	Lefebvre	Chargée de mission e-administration, CDG 62	$argon2id$v=19$m=65536,t=2,p=1$HupEqeQCdxdrNWOt7YXkIw$IaNmJAkYj9I8NBrIcdVTpdiKHXtpDQ54nhxCqfnykWk	1	0	0	0	1795924493
2	ccpo.admin	ccpo.admin@demo.opale.invalid	Julien	Caron	Responsable informatique	$argon2id$v=19$m=65536,t=2,p=1$PtgKOHlC0++1SlMCMwCZxA$6k9OBVsxoDOSq01yG0sN1Y4Gua+gAwcNgNmjsDDCc3c	0	0	0	0	1795924494
3	ccpo.agent	ccpo.agent@demo.opale.invalid	Sophie	Delattre	Service des assemblées	$argon2id$v=19$m=65536,t=2,p=1$Jbd14J7Dn30AOWzzhemw3w$4CI4xU5YKrQrAhX1oJiutCUUXye56w3bd9pS5jFcgrk	0	0	0	0	1795924494
4	ccpo.dgs	ccpo.dgs@demo.opale.invalid	Marc	Vasseur	Directeur général des services	$argon2id$v=19$m=65536,t=2,p=1$OhMpYMyx9CWWcnFboN6/cg$mZx0f63cujgQlhF8wo2U13TrIbPoKJFvakI9EB2GHPk	0	0	0	0	1795924494
5	ccpo.president	ccpo.president@demo.opale.invalid	Anne	Fournier	Présidente	$argon2id$v=19$m=65536,t=2,p=1$s/9COy6tgkox5TPNxmFUpg$oJgOvvAvvylR3A/Ookqz0kuScv61w7L03PLX1zKvJPo	0	0	0	0	1795924494
6	ccpo.secretaire	ccpo.secretaire@demo.opale.invalid	Nadia	Boulanger	Secrétaire de séance	$argon2id$v=19$m=65536,t=2,p=1$BLe70eduVgERUkVrMfkuTA$etHWtIZAGnXeDlkTQnhKaUI8n9a6ZN98t7H8TyHoVYA	0	0	0	0	1795924494
7	ccpo.elu	ccpo.elu@demo.opale.invalid	Pierre	Lemaire	Conseiller communautaire	$argon2id$v=19$m=65536,t=2,p=1$IuPrvpSVQEod7ghtzUFNkg$7C5bAfPKODIVMcJK0A5RmRgaG27qK31Q0QYCLX9JLTY	0	0	0	0	1795924495
8	ccpo.auditeur	ccpo.auditeur@demo.opale.invalid	Luc	Martin	Contrôle interne	$argon2id$v=19$m=65536,t=2,p=1$Uvu8H+Izq5PC5owHs1DW5g$g83maYXn4h9J3IJklomQ/bi8Ti8yyq0v7mjF+UBoxG4	0	0	0	0	1795924496
\.


--
-- Name: api_tokens_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_tokens_id_seq', 1, false);


--
-- Name: assistance_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.assistance_id_seq', 1, true);


--
-- Name: audit_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_id_seq', 10, true);


--
-- Name: collectivites_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.collectivites_id_seq', 1, true);


--
-- Name: jobs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.jobs_id_seq', 25, true);


--
-- Name: login_failures_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.login_failures_id_seq', 1, false);


--
-- Name: operators_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.operators_id_seq', 1, true);


--
-- Name: selftest_runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.selftest_runs_id_seq', 1, false);


--
-- Name: setup_steps_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.setup_steps_id_seq', 4, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 8, true);


--
-- Name: activity activity_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_pkey PRIMARY KEY (tenant_id, counter, year);


--
-- Name: adhesions adhesions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adhesions
    ADD CONSTRAINT adhesions_pkey PRIMARY KEY (tenant_id);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);


--
-- Name: api_tokens api_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: assistance assistance_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assistance
    ADD CONSTRAINT assistance_pkey PRIMARY KEY (id);


--
-- Name: audit_head audit_head_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_head
    ADD CONSTRAINT audit_head_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_seq_key UNIQUE (seq);


--
-- Name: blobs blobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blobs
    ADD CONSTRAINT blobs_pkey PRIMARY KEY (sha256);


--
-- Name: collectivites collectivites_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collectivites
    ADD CONSTRAINT collectivites_pkey PRIMARY KEY (id);


--
-- Name: collectivites collectivites_siren_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collectivites
    ADD CONSTRAINT collectivites_siren_key UNIQUE (siren);


--
-- Name: jobs jobs_idem_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_idem_key_key UNIQUE (idem_key);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: kv kv_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kv
    ADD CONSTRAINT kv_pkey PRIMARY KEY (k);


--
-- Name: login_failures login_failures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.login_failures
    ADD CONSTRAINT login_failures_pkey PRIMARY KEY (id);


--
-- Name: memberships memberships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (user_id, tenant_id);


--
-- Name: operators operators_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.operators
    ADD CONSTRAINT operators_pkey PRIMARY KEY (id);


--
-- Name: password_resets password_resets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.password_resets
    ADD CONSTRAINT password_resets_pkey PRIMARY KEY (token_hash);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: selftest_runs selftest_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.selftest_runs
    ADD CONSTRAINT selftest_runs_pkey PRIMARY KEY (id);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id_hash);


--
-- Name: setup_steps setup_steps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.setup_steps
    ADD CONSTRAINT setup_steps_pkey PRIMARY KEY (id);


--
-- Name: setup_steps setup_steps_tenant_id_step_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.setup_steps
    ADD CONSTRAINT setup_steps_tenant_id_step_key UNIQUE (tenant_id, step);


--
-- Name: users users_login_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_login_key UNIQUE (login);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: assistance_tenant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX assistance_tenant ON public.assistance USING btree (tenant_id, day);


--
-- Name: audit_tenant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_tenant ON public.audit_log USING btree (tenant_id, seq);


--
-- Name: jobs_ready; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobs_ready ON public.jobs USING btree (state, run_at);


--
-- Name: login_failures_k; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_failures_k ON public.login_failures USING btree (k, at);


--
-- Name: memberships_tenant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX memberships_tenant ON public.memberships USING btree (tenant_id);


--
-- Name: selftest_runs_job; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX selftest_runs_job ON public.selftest_runs USING btree (job_id);


--
-- Name: sessions_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_user ON public.sessions USING btree (user_id);


--
-- Name: activity activity_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.activity
    ADD CONSTRAINT activity_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- Name: adhesions adhesions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.adhesions
    ADD CONSTRAINT adhesions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- Name: api_tokens api_tokens_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- Name: api_tokens api_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: assistance assistance_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.assistance
    ADD CONSTRAINT assistance_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- Name: collectivites collectivites_operator_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collectivites
    ADD CONSTRAINT collectivites_operator_id_fkey FOREIGN KEY (operator_id) REFERENCES public.operators(id);


--
-- Name: memberships memberships_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- Name: memberships memberships_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: password_resets password_resets_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.password_resets
    ADD CONSTRAINT password_resets_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);


--
-- Name: setup_steps setup_steps_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.setup_steps
    ADD CONSTRAINT setup_steps_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.collectivites(id);


--
-- PostgreSQL database dump complete
--

\unrestrict zrYPkwoBYmmglulISJ3K1j3NxFaogf7knGRLawwMeNmLQJCby4Y1GOkz3s9kEdC

