// Sequelize 6 makes the shop (`create`: `sync`, with its own names: the multi-word model
// `ShopBook` in the table `ShopBooks`, its reference `AuthorId`, the timestamps `createdAt` and
// `updatedAt`) and reads back what ormsh added (`check`). The values are common.py's.
"use strict";

const path = require("node:path");
const { createRequire } = require("node:module");

// Sequelize and its drivers live outside the clone, where install.sh put them.
const cache = process.env.ORMSH_INTEROP_CACHE || "/var/cache/ormsh-interop";
const { Sequelize, DataTypes } = createRequire(path.join(cache, "node", "package.json"))("sequelize");

const backend = process.env.INTEROP_BACKEND; // sqlite | postgres | mysql
const database = process.env.INTEROP_DATABASE;
const options = { logging: false };
function connect() {
  if (backend === "sqlite") {
    return new Sequelize({ ...options, dialect: "sqlite", storage: process.env.INTEROP_SQLITE_PATH });
  }
  if (backend === "postgres") {
    return new Sequelize(database, "postgres", null, {
      ...options,
      dialect: "postgres",
      host: "127.0.0.1",
      port: 5432,
    });
  }
  return new Sequelize(database, "root", null, { ...options, dialect: "mysql", host: "127.0.0.1", port: 3306 });
}

const U1 = "0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10";
const U2 = "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f";
const U3 = "c0ffee00-1234-4abc-8def-0123456789ab";

// Sequelize hands decimals over as the driver reads them: PostgreSQL's and MariaDB's exact text,
// SQLite's number (SQLite keeps a DECIMAL(8,2) as a float).
const decimal = (text) => (backend === "sqlite" ? Number(text) : text);

const sequelize = connect();
const Author = sequelize.define("Author", { name: DataTypes.STRING(50) });
const ShopBook = sequelize.define("ShopBook", {
  title: DataTypes.STRING(100),
  price: DataTypes.DECIMAL(8, 2),
  // DATE(6): MariaDB's DATETIME keeps whole seconds unless told otherwise.
  published_at: DataTypes.DATE(6),
  uid: DataTypes.UUID,
  meta: DataTypes.JSON,
  in_print: DataTypes.BOOLEAN,
});
ShopBook.belongsTo(Author);

/// Exactly equal, type included ("2.50" is not 2.5, true is not 1); dates by their instant.
function same(what, got, want) {
  const kind = (v) => (v instanceof Date ? "Date" : Array.isArray(v) ? "Array" : typeof v);
  const plain = (v) => (v instanceof Date ? v.toISOString() : JSON.stringify(v));
  if (kind(got) !== kind(want) || plain(got) !== plain(want)) {
    throw new Error(`${what}: got ${plain(got)} (${kind(got)}), want ${plain(want)} (${kind(want)})`);
  }
}

async function create() {
  await sequelize.sync();
  const ann = await Author.create({ name: "Ann" });
  const bob = await Author.create({ name: "Bob" });
  await ShopBook.create({
    title: "Tea",
    price: "39.90",
    published_at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    uid: U1,
    meta: { tags: ["a", "b"] },
    in_print: true,
    AuthorId: ann.id,
  });
  await ShopBook.create({
    title: "Cup",
    price: "2.00",
    published_at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)),
    uid: U2,
    meta: { n: 1 },
    in_print: false,
    AuthorId: bob.id,
  });
}

async function check() {
  const pot = await ShopBook.findOne({ where: { title: "Pot" }, include: Author, rejectOnEmpty: true });
  const at = new Date(Date.UTC(2024, 2, 4, 5, 6, 7, 250));
  const titles = async (where) => (await ShopBook.findAll({ where, order: ["title"] })).map((b) => b.title);
  same("price", pot.price, decimal("12.50"));
  same("published_at", pot.published_at, at);
  same("uid", pot.uid, U3);
  same("meta", pot.meta, { k: [1, 2] });
  same("in_print", pot.in_print, true);
  same("author", pot.Author.name, "Bob");
  // ormsh filled Sequelize's timestamps when it added the row.
  same("createdAt is a time", pot.createdAt instanceof Date && !Number.isNaN(pot.createdAt.getTime()), true);
  same("updatedAt is a time", pot.updatedAt instanceof Date && !Number.isNaN(pot.updatedAt.getTime()), true);
  // … at a time Sequelize keeps whole (JavaScript's Date keeps milliseconds): it finds the row
  // again by the createdAt it read.
  same("by its createdAt", await titles({ id: pot.id, createdAt: pot.createdAt }), ["Pot"]);
  // Sequelize finds ormsh's row, and its own, by the values it binds itself.
  same("by time", await titles({ published_at: at }), ["Pot"]);
  const half = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500));
  same("its own row by time", await titles({ published_at: half }), ["Cup"]);
  same("by uuid", await titles({ uid: U3 }), ["Pot"]);
  same("updated by ormsh", (await ShopBook.findOne({ where: { title: "Cup" }, rejectOnEmpty: true })).price, decimal("2.50"));
}

const actions = { create, check };
(actions[process.argv[2]] || (() => Promise.reject(new Error("create or check"))))()
  .then(() => sequelize.close())
  .catch(async (error) => {
    console.error(error.message);
    await sequelize.close();
    process.exit(1);
  });
