// Readable API documentation rendered from GET /v1/openapi.json (OpenAPI 3.1).
// Plain DOM, no libraries: operations grouped by tag, request body fields as
// tables, responses, problem types, security schemes and schemas.
import { api, el, initPage, lang, messageBox, onLangChange, t } from "./app.js";

initPage();

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
const root = document.getElementById("api-docs");
const message = messageBox(document.getElementById("message"));
let spec = null;

onLangChange(() => spec && render());
load();

async function load() {
  message.show(() => t("docs.loading"));
  try {
    spec = await api("GET", "/v1/openapi.json");
    message.clear();
    render();
  } catch (err) {
    message.error(err);
  } finally {
    root.removeAttribute("aria-busy");
  }
}

function render() {
  const groups = operationGroups();
  root.replaceChildren(
    intro(),
    contents(groups),
    ...groups.map(groupSection),
    problemsSection(),
    sharedResponsesSection(),
    securitySchemesSection(),
    schemasSection(),
  );
}

// ------------------------------------------------------------------ reading the document

/** A text field, preferring "x-<field>-zh" in Chinese mode when the document has one. */
function say(obj, field) {
  if (!obj) return "";
  return (lang() === "zh" && obj[`x-${field}-zh`]) || obj[field] || "";
}

/** Follow a local "#/..." $ref; sibling keywords (3.1) override the target's. */
function resolve(node) {
  let name = null;
  for (let hops = 0; node && typeof node.$ref === "string" && hops < 20; hops++) {
    const { $ref, ...rest } = node;
    if (!$ref.startsWith("#/")) return { node: { description: $ref, ...rest }, name: $ref };
    name = decodeURIComponent($ref.split("/").pop()).replace(/~1/g, "/").replace(/~0/g, "~");
    const target = $ref
      .slice(2)
      .split("/")
      .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((at, key) => (at == null ? at : at[key]), spec);
    node = { ...(target || {}), ...rest };
  }
  return { node: node || {}, name };
}

/** The schema with allOf parts folded in (properties and required merged). */
function flatten(schema) {
  const s = resolve(schema).node;
  if (!Array.isArray(s.allOf)) return s;
  const merged = { ...s, properties: { ...(s.properties || {}) }, required: [...(s.required || [])] };
  delete merged.allOf;
  for (const part of s.allOf) {
    const p = flatten(part);
    Object.assign(merged.properties, p.properties || {});
    merged.required.push(...(p.required || []));
    for (const key of ["type", "description", "additionalProperties", "oneOf", "anyOf"]) {
      if (merged[key] === undefined && p[key] !== undefined) merged[key] = p[key];
    }
  }
  if (!Object.keys(merged.properties).length) delete merged.properties;
  return merged;
}

function operationGroups() {
  const groups = new Map((spec.tags || []).map((tag) => [tag.name, { tag, ops: [] }]));
  for (const [path, item] of Object.entries(spec.paths || {})) {
    const pathItem = resolve(item).node;
    for (const method of METHODS) {
      const op = pathItem[method];
      if (!op) continue;
      const tagName = op.tags?.[0] ?? "";
      if (!groups.has(tagName)) groups.set(tagName, { tag: tagName ? { name: tagName } : null, ops: [] });
      groups.get(tagName).ops.push({ path, method, op, shared: pathItem.parameters || [] });
    }
  }
  return [...groups.values()].filter((g) => g.ops.length);
}

function opId(method, path) {
  return `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

// ------------------------------------------------------------------ building blocks

/** Paragraphs from plain or lightly marked-up text; `code` spans become <code>. */
function prose(text, className = "desc") {
  if (!text) return [];
  return String(text)
    .split(/\n\s*\n/)
    .map((para) => el("p", { className }, ...para.split("`").map((bit, i) => (i % 2 ? el("code", { text: bit }) : bit))));
}

/** A table that stacks into labelled blocks on narrow screens (data-label on each cell). */
function table(headers, rows, className = "") {
  return el(
    "div",
    { className: "table-wrap" },
    el(
      "table",
      { className: `data ${className}` },
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))),
      el(
        "tbody",
        {},
        rows.map((cells) =>
          el("tr", {}, cells.map((cell, i) => el("td", { "data-label": headers[i] }, el("div", { className: "cell" }, cell)))),
        ),
      ),
    ),
  );
}

function schemaLink(name) {
  return spec.components?.schemas?.[name] ? el("a", { href: `#schema-${name}`, text: name }) : el("span", { text: name });
}

/** The type of a schema as nodes: "string (date)", "array of Region", "string | null". */
function typeNodes(schema) {
  const { node, name } = resolve(schema);
  if (name) return [schemaLink(name)];
  const s = flatten(node);
  const variants = s.oneOf || s.anyOf;
  if (variants) return variants.flatMap((v, i) => (i ? [" | ", ...typeNodes(v)] : typeNodes(v)));
  let types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (!types.length && s.properties) types = ["object"];
  if (!types.length && s.const !== undefined) types = [s.const === null ? "null" : typeof s.const];
  if (!types.length) return ["any"];
  const out = [];
  types.forEach((type, i) => {
    if (i) out.push(" | ");
    if (type === "array") {
      const inner = s.items ? typeNodes(s.items) : ["any"];
      const [before, after] = t("docs.array_of", { t: "\u0000" }).split("\u0000");
      out.push(before, ...inner, after);
    } else {
      out.push(type);
    }
  });
  if (s.format) out.push(` (${s.format})`);
  return out;
}

const RULES = [
  "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "multipleOf", "minItems", "maxItems",
];

/** Constraints of a schema as a list ("" when none). */
function rulesList(schema) {
  const s = flatten(schema);
  const items = [];
  const code = (value) => el("code", { text: typeof value === "string" ? value : JSON.stringify(value) });
  if (s.pattern) items.push([`${t("docs.r.pattern")}: `, code(s.pattern)]);
  for (const key of RULES) if (s[key] !== undefined) items.push([t(`docs.r.${key}`, { v: s[key] })]);
  if (s.uniqueItems) items.push([t("docs.r.uniqueItems")]);
  if (Array.isArray(s.enum)) items.push([`${t("docs.r.enum")}: `, ...s.enum.flatMap((v, i) => (i ? [", ", code(v)] : [code(v)]))]);
  if (s.const !== undefined) items.push([`${t("docs.r.const")}: `, code(s.const)]);
  if (s.default !== undefined) items.push([`${t("docs.r.default")}: `, code(s.default)]);
  if (s.readOnly) items.push([t("docs.r.readOnly")]);
  if (s.writeOnly) items.push([t("docs.r.writeOnly")]);
  if (s.additionalProperties === false && s.properties) items.push([t("docs.r.closed")]);
  return items.length ? el("ul", { className: "rules" }, items.map((parts) => el("li", {}, parts))) : "";
}

/** Rows for every property, inline nested objects expanded as "a.b" and "a[].b". */
function fieldRows(schema, prefix = "", depth = 0) {
  const s = flatten(schema);
  const required = new Set(s.required || []);
  const rows = [];
  for (const [prop, sub] of Object.entries(s.properties || {})) {
    const name = prefix + prop;
    const { node, name: refName } = resolve(sub);
    rows.push([
      el("code", { text: name }),
      typeNodes(sub),
      required.has(prop) ? t("docs.yes") : t("docs.no"),
      rulesList(sub),
      prose(say(node, "description") || say(node, "title")),
    ]);
    if (refName || depth >= 4) continue; // named schemas have their own table below
    const inner = flatten(node);
    if (inner.properties) rows.push(...fieldRows(inner, `${name}.`, depth + 1));
    const items = inner.items && resolve(inner.items);
    if (items && !items.name && flatten(items.node).properties) rows.push(...fieldRows(items.node, `${name}[].`, depth + 1));
  }
  return rows;
}

function fieldsTable(rows) {
  const headers = ["docs.field", "docs.type", "docs.required", "docs.rules", "docs.description"].map((k) => t(k));
  return table(headers, rows, "fields");
}

/** A schema in full: description, then its fields (or its variants). */
function schemaBlock(schema, depth = 0) {
  const s = flatten(schema);
  const out = [];
  const variants = s.oneOf || s.anyOf;
  if (variants && !s.properties && depth < 3) {
    out.push(el("p", { text: t("docs.one_of") }));
    variants.forEach((variant, i) => {
      const { name } = resolve(variant);
      out.push(
        el(
          "div",
          { className: "variant" },
          el("p", { className: "variant-title" }, t("docs.variant", { n: i + 1 }), name ? [": ", schemaLink(name)] : ""),
          name ? [] : schemaBlock(variant, depth + 1),
        ),
      );
    });
  } else if (s.properties) {
    out.push(fieldsTable(fieldRows(s)));
    if (s.additionalProperties === false) out.push(el("p", { className: "muted", text: t("docs.r.closed") }));
  } else {
    out.push(fieldsTable([[t("docs.whole"), typeNodes(s), t("docs.yes"), rulesList(s), prose(say(s, "description"))]]));
  }
  return out;
}

/** "application/json — Schema: Name" plus the table for inline schemas. */
function contentBlock(content, expandNamed) {
  return Object.entries(content || {}).map(([type, media]) => {
    const { name } = resolve(media.schema || {});
    return el(
      "div",
      { className: "content" },
      el("p", {}, el("code", { text: type }), media.schema && name ? [" · ", `${t("docs.schema")}: `, schemaLink(name)] : ""),
      media.schema && (expandNamed || !name) ? [prose(say(resolve(media.schema).node, "description")), schemaBlock(media.schema)] : [],
    );
  });
}

// ------------------------------------------------------------------ sections

function intro() {
  const info = spec.info || {};
  return el(
    "section",
    { className: "intro", "aria-label": say(info, "title") || "API" },
    el("p", { className: "api-title" }, el("strong", { text: say(info, "title") }), info.version ? ` · ${t("docs.version")} ${info.version}` : ""),
    prose(say(info, "description")),
  );
}

function contents(groups) {
  const link = (href, ...text) => el("li", {}, el("a", { href }, ...text));
  return el(
    "nav",
    { className: "toc", "aria-labelledby": "toc-title" },
    el("h2", { id: "toc-title", text: t("docs.contents") }),
    el(
      "ol",
      {},
      groups.map((g) =>
        el(
          "li",
          {},
          groupName(g),
          el(
            "ol",
            {},
            g.ops.map(({ path, method, op }) =>
              link(`#${opId(method, path)}`, methodBadge(method), " ", el("code", { text: path }), suffix(say(op, "summary"))),
            ),
          ),
        ),
      ),
      link("#problem-types", t("docs.problems")),
      link("#security-schemes", t("docs.security_schemes")),
      link("#schemas", t("docs.schemas")),
    ),
  );
}

function methodBadge(method) {
  return el("span", { className: "method", text: method.toUpperCase() });
}

/** " · text", or nothing when there is no text. */
function suffix(text, separator = " · ") {
  return text ? `${separator}${text}` : "";
}

function groupName(group) {
  return group.tag?.name || t(spec.tags?.length ? "docs.other" : "docs.operations");
}

function groupSection(group, index) {
  const id = `group-${index}`;
  return el(
    "section",
    { className: "group", "aria-labelledby": id },
    el("h2", { id, text: groupName(group) }),
    prose(say(group.tag, "description")),
    group.ops.map(operationSection),
  );
}

function operationSection({ path, method, op, shared }) {
  const id = opId(method, path);
  return el(
    "section",
    { className: "op", id, "aria-labelledby": `${id}-title` },
    el(
      "h3",
      { id: `${id}-title` },
      methodBadge(method),
      " ",
      el("code", { className: "path", text: path }),
      op.deprecated ? [" ", el("span", { className: "badge", text: t("docs.deprecated") })] : "",
    ),
    say(op, "summary") ? el("p", { className: "summary", text: say(op, "summary") }) : "",
    prose(say(op, "description")),
    el("h4", { text: t("docs.security") }),
    securityText(op.security ?? spec.security ?? []),
    parametersBlock([...shared, ...(op.parameters || [])]),
    el("h4", { text: t("docs.request") }),
    requestBlock(op.requestBody),
    el("h4", { text: t("docs.responses") }),
    responsesBlock(op.responses || {}),
  );
}

function securityText(requirements) {
  const none = () => el("span", { text: t("docs.security.none") });
  if (!requirements.length) return el("p", {}, none());
  return el(
    "ul",
    { className: "plain" },
    requirements.map((req) => {
      const entries = Object.entries(req);
      if (!entries.length) return el("li", {}, none());
      return el(
        "li",
        {},
        entries.flatMap(([scheme, scopes], i) => [
          i ? " + " : "",
          el("a", { href: `#security-${scheme}`, text: scheme }),
          scopes.length ? [` (${t("docs.security.scopes")}: `, scopes.flatMap((s, j) => [j ? ", " : "", el("code", { text: s })]), ")"] : "",
        ]),
      );
    }),
  );
}

function parametersBlock(params) {
  const list = params.map((p) => resolve(p).node);
  if (!list.length) return [];
  const headers = ["docs.field", "docs.in", "docs.type", "docs.required", "docs.rules", "docs.description"].map((k) => t(k));
  return [
    el("h4", { text: t("docs.parameters") }),
    table(
      headers,
      list.map((p) => [
        el("code", { text: p.name }),
        p.in || "",
        p.schema ? typeNodes(p.schema) : "",
        p.required ? t("docs.yes") : t("docs.no"),
        p.schema ? rulesList(p.schema) : "",
        prose(say(p, "description")),
      ]),
    ),
  ];
}

function requestBlock(body) {
  if (!body) return el("p", { text: t("docs.request.none") });
  const b = resolve(body).node;
  return [
    prose(say(b, "description")),
    b.required ? el("p", { text: `${t("docs.required")}: ${t("docs.yes")}` }) : "",
    contentBlock(b.content, true),
  ];
}

function responsesBlock(responses) {
  return el(
    "dl",
    { className: "responses" },
    Object.entries(responses).map(([status, response]) => {
      const { node: r, name } = resolve(response);
      return el(
        "div",
        { className: "response" },
        el(
          "dt",
          {},
          el("span", { className: `status status-${String(status)[0]}`, text: status }),
          name ? [" ", el("a", { href: "#shared-responses", text: name })] : "",
        ),
        el("dd", {}, prose(say(r, "description")), headersList(r.headers), contentBlock(r.content, false)),
      );
    }),
  );
}

function headersList(headers) {
  const entries = Object.entries(headers || {});
  if (!entries.length) return [];
  return el(
    "ul",
    { className: "plain" },
    entries.map(([name, h]) => el("li", {}, el("code", { text: name }), suffix(say(resolve(h).node, "description"), ": "))),
  );
}

/** Problem types from "x-problem-types" (top level or components), response examples and "type" enums. */
function problemTypes() {
  const found = new Map();
  const add = (p) => {
    if (p && typeof p.type === "string" && p.type.includes("/") && !found.has(p.type)) found.set(p.type, p);
  };
  const listed = spec["x-problem-types"] ?? spec.components?.["x-problem-types"];
  if (Array.isArray(listed)) listed.forEach(add);
  else if (listed && typeof listed === "object") Object.entries(listed).forEach(([type, p]) => add({ type, ...p }));

  const fromContent = (content) => {
    for (const media of Object.values(content || {})) {
      add(media.example);
      for (const ex of Object.values(media.examples || {})) add({ ...resolve(ex).node.value, summary: resolve(ex).node.summary });
    }
  };
  for (const r of Object.values(spec.components?.responses || {})) fromContent(resolve(r).node.content);
  for (const item of Object.values(spec.paths || {})) {
    for (const method of METHODS) for (const r of Object.values(item[method]?.responses || {})) fromContent(resolve(r).node.content);
  }
  for (const schema of Object.values(spec.components?.schemas || {})) {
    const typeProp = flatten(schema).properties?.type;
    if (!typeProp) continue;
    const p = flatten(typeProp);
    for (const value of [...(p.enum || []), ...(p.const !== undefined ? [p.const] : []), ...(p.examples || [])]) {
      if (typeof value === "string") add({ type: value });
    }
  }
  return [...found.values()];
}

function problemsSection() {
  const types = problemTypes();
  const zh = lang() === "zh";
  return el(
    "section",
    { id: "problem-types", "aria-labelledby": "problem-types-title" },
    el("h2", { id: "problem-types-title", text: t("docs.problems") }),
    el("p", { text: t("docs.problems.intro") }),
    types.length
      ? table(
          [t("docs.problem.type"), t("docs.status"), t("docs.problem.title"), t("docs.description")],
          types.map((p) => [
            el("code", { text: p.type }),
            p.status != null ? String(p.status) : "",
            (zh ? p.title_zh || p.title : p.title) || p.summary || "",
            prose((zh ? p.description_zh || p.detail_zh : "") || p.description || p.detail || ""),
          ]),
          "problems",
        )
      : el("p", { text: t("docs.none") }),
  );
}

function sharedResponsesSection() {
  const entries = Object.entries(spec.components?.responses || {});
  if (!entries.length) return "";
  return el(
    "section",
    { id: "shared-responses", "aria-labelledby": "shared-responses-title" },
    el("h2", { id: "shared-responses-title", text: t("docs.shared_responses") }),
    el(
      "dl",
      { className: "responses" },
      entries.map(([name, raw]) => {
        const r = resolve(raw).node;
        return el(
          "div",
          { className: "response" },
          el("dt", {}, el("code", { text: name })),
          el("dd", {}, prose(say(r, "description")), contentBlock(r.content, false)),
        );
      }),
    ),
  );
}

function securitySchemesSection() {
  const entries = Object.entries(spec.components?.securitySchemes || {});
  return el(
    "section",
    { id: "security-schemes", "aria-labelledby": "security-schemes-title" },
    el("h2", { id: "security-schemes-title", text: t("docs.security_schemes") }),
    entries.length
      ? entries.map(([name, raw]) => {
          const s = resolve(raw).node;
          const where = s.in && s.name ? `${s.in}: ${s.name}` : "";
          const facts = [s.type, s.scheme, s.bearerFormat, where, s.openIdConnectUrl].filter(Boolean);
          return el(
            "div",
            { className: "scheme", id: `security-${name}` },
            el("h3", {}, el("code", { text: name })),
            el("p", { text: facts.join(" · ") }),
            prose(say(s, "description")),
            Object.entries(s.flows || {}).map(([flow, f]) => flowBlock(flow, f)),
          );
        })
      : el("p", { text: t("docs.none") }),
  );
}

function flowBlock(flow, f) {
  const urls = [f.authorizationUrl, f.tokenUrl].filter(Boolean).map((url) => [" · ", el("code", { text: url })]);
  const scopes = Object.entries(f.scopes || {});
  return el(
    "div",
    { className: "flow" },
    el("p", {}, el("strong", { text: flow }), urls),
    scopes.length
      ? el("ul", { className: "plain" }, scopes.map(([scope, text]) => el("li", {}, el("code", { text: scope }), suffix(text, ": "))))
      : "",
  );
}

function schemasSection() {
  const entries = Object.entries(spec.components?.schemas || {});
  return el(
    "section",
    { id: "schemas", "aria-labelledby": "schemas-title" },
    el("h2", { id: "schemas-title", text: t("docs.schemas") }),
    entries.length
      ? entries.map(([name, schema]) =>
          el(
            "section",
            { className: "schema", id: `schema-${name}`, "aria-labelledby": `schema-${name}-title` },
            el("h3", { id: `schema-${name}-title` }, el("code", { text: name })),
            say(schema, "title") ? el("p", { className: "summary", text: say(schema, "title") }) : "",
            prose(say(schema, "description")),
            schemaBlock(schema),
          ),
        )
      : el("p", { text: t("docs.none") }),
  );
}
