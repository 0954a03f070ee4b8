# ActiveRecord 6.1 (Debian's ruby-activerecord) makes the shop (`create`), with Rails' own
# irregular plurals for names (Person → people, Medium → media), and reads back what ormsh added
# (`check`). The values are common.py's.
require "active_record"
require "bigdecimal"

backend = ENV.fetch("INTEROP_BACKEND")
config =
  case backend
  when "sqlite" then { adapter: "sqlite3", database: ENV.fetch("INTEROP_SQLITE_PATH") }
  when "postgres"
    { adapter: "postgresql", host: "127.0.0.1", username: "postgres", database: ENV.fetch("INTEROP_DATABASE") }
  else { adapter: "mysql2", host: "127.0.0.1", username: "root", database: ENV.fetch("INTEROP_DATABASE") }
  end
ActiveRecord::Base.establish_connection(config)
ActiveRecord::Base.default_timezone = :utc
ActiveRecord::Base.logger = nil
ActiveRecord::Migration.verbose = false

class Person < ActiveRecord::Base; end

class Medium < ActiveRecord::Base
  belongs_to :person
  # ActiveRecord 6.1 cannot write MariaDB's JSON (a checked longtext): there Rails apps keep
  # JSON in text, serialized.
  serialize :meta, JSON if ENV.fetch("INTEROP_BACKEND") == "mysql"
end

U1 = "0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10"
U2 = "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f"
U3 = "c0ffee00-1234-4abc-8def-0123456789ab"

def same(what, got, want)
  return if got.class == want.class && got == want

  abort("#{what}: got #{got.inspect} (#{got.class}), want #{want.inspect} (#{want.class})")
end

def create(backend)
  ActiveRecord::Schema.define do
    create_table :people do |t|
      t.string :name
    end
    create_table :media do |t|
      t.string :title
      t.decimal :price, precision: 8, scale: 2
      t.datetime :published_at, precision: 6
      if backend == "postgres" then t.uuid :uid else t.string :uid, limit: 36 end
      if backend == "mysql" then t.text :meta else t.json :meta end
      t.boolean :in_print
      t.references :person, foreign_key: true
    end
  end
  ann = Person.create!(name: "Ann")
  bob = Person.create!(name: "Bob")
  Medium.create!(title: "Tea", price: BigDecimal("39.90"), published_at: Time.utc(2024, 1, 2, 3, 4, 5),
                 uid: U1, meta: { "tags" => ["a", "b"] }, in_print: true, person: ann)
  Medium.create!(title: "Cup", price: BigDecimal("2.00"), published_at: Time.utc(2024, 1, 2, 3, 4, 5, 500_000),
                 uid: U2, meta: { "n" => 1 }, in_print: false, person: bob)
end

def check
  pot = Medium.find_by!(title: "Pot")
  same("price", pot.price, BigDecimal("12.50"))
  same("published_at", pot.published_at.utc.to_r, Time.utc(2024, 3, 4, 5, 6, 7, 250_000).to_r)
  same("uid", pot.uid, U3)
  same("meta", pot.meta, { "k" => [1, 2] })
  same("in_print", pot.in_print, true)
  same("person", pot.person.name, "Bob")
  same("by time", Medium.where(published_at: Time.utc(2024, 3, 4, 5, 6, 7, 250_000)).pluck(:title), ["Pot"])
  same("its own row by time", Medium.where(published_at: Time.utc(2024, 1, 2, 3, 4, 5, 500_000)).pluck(:title), ["Cup"])
  same("by uuid", Medium.where(uid: U3).pluck(:title), ["Pot"])
  same("updated by ormsh", Medium.find_by!(title: "Cup").price, BigDecimal("2.50"))
end

case ARGV[0]
when "create" then create(backend)
when "check" then check
else abort("create or check")
end
