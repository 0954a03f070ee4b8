-- A Northwind-style shop in the naming other tools use: PascalCase tables, `XxxId` keys, a join
-- table (ProductTags). Plain SQL that SQLite, PostgreSQL and MariaDB all take, written once with
-- "double-quoted" identifiers; tests/questions.rs turns them into backticks for MariaDB. No
-- string literal holds a double quote.
--
-- The rows were written out once and are kept by hand. On purpose: NULLs (ContactName, Phone,
-- ShippedDate, Description, ReportsTo), ties (UnitPrice 10.00 twice, Freight 32.38 twice, two
-- HireDates alike), a city in three cases (London, london, LONDON), a customer with no orders
-- (12), products never ordered (6, 7, 15), products with no tags (10, 12, 15), a tag on no
-- product (seasonal), an employee who reports to nobody (2), orders not shipped yet, and orders
-- shipped to another country than their customer's (10252, 10260, 10269).

CREATE TABLE "Categories" (
  "CategoryId" integer PRIMARY KEY,
  "CategoryName" varchar(40) NOT NULL,
  "Description" varchar(200)
);

CREATE TABLE "Suppliers" (
  "SupplierId" integer PRIMARY KEY,
  "CompanyName" varchar(60) NOT NULL,
  "Country" varchar(30) NOT NULL,
  "City" varchar(30)
);

CREATE TABLE "Products" (
  "ProductId" integer PRIMARY KEY,
  "ProductName" varchar(60) NOT NULL,
  "CategoryId" integer NOT NULL,
  "SupplierId" integer,
  "UnitPrice" decimal(10,2) NOT NULL,
  "UnitsInStock" integer NOT NULL,
  "Discontinued" boolean NOT NULL,
  FOREIGN KEY ("CategoryId") REFERENCES "Categories" ("CategoryId"),
  FOREIGN KEY ("SupplierId") REFERENCES "Suppliers" ("SupplierId")
);

CREATE TABLE "Tags" (
  "TagId" integer PRIMARY KEY,
  "Name" varchar(30) NOT NULL
);

CREATE TABLE "ProductTags" (
  "ProductId" integer NOT NULL,
  "TagId" integer NOT NULL,
  PRIMARY KEY ("ProductId", "TagId"),
  FOREIGN KEY ("ProductId") REFERENCES "Products" ("ProductId"),
  FOREIGN KEY ("TagId") REFERENCES "Tags" ("TagId")
);

CREATE TABLE "Customers" (
  "CustomerId" integer PRIMARY KEY,
  "CompanyName" varchar(60) NOT NULL,
  "ContactName" varchar(60),
  "Country" varchar(30) NOT NULL,
  "City" varchar(30) NOT NULL,
  "Phone" varchar(24)
);

CREATE TABLE "Employees" (
  "EmployeeId" integer PRIMARY KEY,
  "FirstName" varchar(20) NOT NULL,
  "LastName" varchar(30) NOT NULL,
  "ReportsTo" integer,
  "Country" varchar(30) NOT NULL,
  "HireDate" date NOT NULL,
  FOREIGN KEY ("ReportsTo") REFERENCES "Employees" ("EmployeeId")
);

CREATE TABLE "Orders" (
  "OrderId" integer PRIMARY KEY,
  "CustomerId" integer NOT NULL,
  "EmployeeId" integer NOT NULL,
  "OrderDate" date NOT NULL,
  "ShippedDate" date,
  "ShipCountry" varchar(30) NOT NULL,
  "Freight" decimal(10,2) NOT NULL,
  FOREIGN KEY ("CustomerId") REFERENCES "Customers" ("CustomerId"),
  FOREIGN KEY ("EmployeeId") REFERENCES "Employees" ("EmployeeId")
);

CREATE TABLE "OrderDetails" (
  "OrderDetailId" integer PRIMARY KEY,
  "OrderId" integer NOT NULL,
  "ProductId" integer NOT NULL,
  "UnitPrice" decimal(10,2) NOT NULL,
  "Quantity" integer NOT NULL,
  "Discount" decimal(4,2) NOT NULL,
  FOREIGN KEY ("OrderId") REFERENCES "Orders" ("OrderId"),
  FOREIGN KEY ("ProductId") REFERENCES "Products" ("ProductId")
);

INSERT INTO "Categories" ("CategoryId", "CategoryName", "Description") VALUES
  (1, 'Beverages', 'Soft drinks, coffees, teas, beers'),
  (2, 'Condiments', 'Sweet and savory sauces'),
  (3, 'Confections', 'Desserts and candies'),
  (4, 'Dairy Products', NULL),
  (5, 'Seafood', 'Seaweed and fish');

INSERT INTO "Suppliers" ("SupplierId", "CompanyName", "Country", "City") VALUES
  (1, 'Exotic Liquids', 'UK', 'London'),
  (2, 'New Orleans Cajun Delights', 'USA', 'New Orleans'),
  (3, 'Tokyo Traders', 'Japan', 'Tokyo'),
  (4, 'Cooperativa de Quesos', 'Spain', 'Oviedo'),
  (5, 'Pavlova Ltd', 'Australia', 'Melbourne');

INSERT INTO "Products" ("ProductId", "ProductName", "CategoryId", "SupplierId", "UnitPrice", "UnitsInStock", "Discontinued") VALUES
  (1, 'Chai', 1, 1, 18.00, 39, FALSE),
  (2, 'Chang', 1, 1, 19.00, 17, FALSE),
  (3, 'Aniseed Syrup', 2, 1, 10.00, 13, FALSE),
  (4, 'Chef Anton Cajun Seasoning', 2, 2, 22.00, 53, FALSE),
  (5, 'Gumbo Mix', 2, 2, 21.35, 0, TRUE),
  (6, 'Mishi Kobe Niku', 5, 3, 97.00, 29, TRUE),
  (7, 'Ikura', 5, 3, 31.00, 31, FALSE),
  (8, 'Queso Cabrales', 4, 4, 21.00, 22, FALSE),
  (9, 'Queso Manchego', 4, 4, 38.00, 86, FALSE),
  (10, 'Pavlova', 3, 5, 17.45, 29, FALSE),
  (11, 'Carnarvon Tigers', 5, 5, 62.50, 42, FALSE),
  (12, 'Teatime Biscuits', 3, 1, 9.20, 25, FALSE),
  (13, 'Sir Rodney Scones', 3, 1, 10.00, 3, FALSE),
  (14, 'Outback Lager', 1, 5, 15.00, 15, FALSE),
  (15, 'Konbu', 5, 3, 6.00, 24, FALSE);

INSERT INTO "Tags" ("TagId", "Name") VALUES
  (1, 'sale'),
  (2, 'new'),
  (3, 'organic'),
  (4, 'gift'),
  (5, 'seasonal');

INSERT INTO "ProductTags" ("ProductId", "TagId") VALUES
  (1, 1),
  (1, 3),
  (2, 1),
  (3, 2),
  (4, 1),
  (4, 4),
  (5, 1),
  (6, 4),
  (7, 2),
  (8, 3),
  (9, 3),
  (9, 4),
  (11, 1),
  (13, 4),
  (14, 2),
  (14, 1);

INSERT INTO "Customers" ("CustomerId", "CompanyName", "ContactName", "Country", "City", "Phone") VALUES
  (1, 'Alfreds Futterkiste', 'Maria Anders', 'Germany', 'Berlin', '030-0074321'),
  (2, 'Ana Trujillo Emparedados', 'Ana Trujillo', 'Mexico', 'Mexico City', NULL),
  (3, 'Around the Horn', 'Thomas Hardy', 'UK', 'London', '(171) 555-7788'),
  (4, 'Berglunds snabbkop', 'Christina Berglund', 'Sweden', 'Lulea', '0921-12 34 65'),
  (5, 'Blauer See Delikatessen', NULL, 'Germany', 'Mannheim', '0621-08460'),
  (6, 'Bon app', 'Laurence Lebihan', 'France', 'Marseille', '91.24.45.40'),
  (7, 'Bottom-Dollar Markets', 'Elizabeth Lincoln', 'Canada', 'Tsawwassen', NULL),
  (8, 'Consolidated Holdings', 'Elizabeth Brown', 'UK', 'london', '(171) 555-2282'),
  (9, 'Du monde entier', 'Janine Labrune', 'France', 'Nantes', NULL),
  (10, 'Eastern Connection', 'Ann Devon', 'UK', 'LONDON', '(171) 555-0297'),
  (11, 'Ernst Handel', 'Roland Mendel', 'Austria', 'Graz', '7675-3425'),
  (12, 'Familia Arquibaldo', 'Aria Cruz', 'Brazil', 'Sao Paulo', NULL);

INSERT INTO "Employees" ("EmployeeId", "FirstName", "LastName", "ReportsTo", "Country", "HireDate") VALUES
  (2, 'Andrew', 'Fuller', NULL, 'USA', '2021-08-14');

INSERT INTO "Employees" ("EmployeeId", "FirstName", "LastName", "ReportsTo", "Country", "HireDate") VALUES
  (1, 'Nancy', 'Davolio', 2, 'USA', '2022-05-01'),
  (3, 'Janet', 'Leverling', 2, 'USA', '2022-04-01'),
  (4, 'Margaret', 'Peacock', 2, 'USA', '2023-05-03'),
  (5, 'Steven', 'Buchanan', 2, 'UK', '2023-10-17');

INSERT INTO "Employees" ("EmployeeId", "FirstName", "LastName", "ReportsTo", "Country", "HireDate") VALUES
  (6, 'Michael', 'Suyama', 5, 'UK', '2023-10-17');

INSERT INTO "Orders" ("OrderId", "CustomerId", "EmployeeId", "OrderDate", "ShippedDate", "ShipCountry", "Freight") VALUES
  (10248, 1, 3, '2023-11-04', '2023-11-06', 'Germany', 75.11),
  (10249, 3, 2, '2023-11-14', '2023-11-17', 'UK', 142.84),
  (10250, 5, 3, '2023-11-19', '2023-11-23', 'Germany', 92.71),
  (10251, 2, 4, '2023-11-29', '2023-12-04', 'Mexico', 141.38),
  (10252, 8, 5, '2023-12-04', '2023-12-10', 'Ireland', 128.99),
  (10253, 10, 6, '2023-12-09', NULL, 'UK', 77.29),
  (10254, 4, 3, '2023-12-19', '2023-12-21', 'Sweden', 75.02),
  (10255, 6, 3, '2023-12-24', '2023-12-27', 'France', 84.20),
  (10256, 9, 1, '2024-01-03', '2024-01-07', 'France', 141.09),
  (10257, 7, 5, '2024-01-08', '2024-01-13', 'Canada', 32.38),
  (10258, 11, 1, '2024-01-13', '2024-01-19', 'Austria', 32.11),
  (10259, 1, 2, '2024-01-23', '2024-01-30', 'Germany', 31.25),
  (10260, 3, 3, '2024-01-28', '2024-01-30', 'Switzerland', 132.71),
  (10261, 5, 4, '2024-02-07', '2024-02-10', 'Germany', 84.87),
  (10262, 10, 3, '2024-02-12', '2024-02-16', 'UK', 78.94),
  (10263, 8, 6, '2024-02-17', '2024-02-22', 'UK', 104.19),
  (10264, 2, 3, '2024-02-27', '2024-03-04', 'Mexico', 101.59),
  (10265, 6, 4, '2024-03-03', NULL, 'France', 130.92),
  (10266, 4, 1, '2024-03-13', '2024-03-15', 'Sweden', 31.50),
  (10267, 9, 5, '2024-03-18', '2024-03-21', 'France', 16.42),
  (10268, 1, 1, '2024-03-23', '2024-03-27', 'Germany', 32.38),
  (10269, 11, 3, '2024-04-02', '2024-04-07', 'Germany', 50.70),
  (10270, 3, 3, '2024-04-07', '2024-04-13', 'UK', 24.23),
  (10271, 7, 4, '2024-04-17', '2024-04-24', 'Canada', 15.85),
  (10272, 5, 5, '2024-04-22', '2024-04-24', 'Germany', 89.25),
  (10273, 10, 6, '2024-04-27', '2024-04-30', 'UK', 133.65),
  (10274, 6, 3, '2024-05-07', NULL, 'France', 146.87),
  (10275, 8, 4, '2024-05-12', '2024-05-17', 'UK', 114.61),
  (10276, 2, 3, '2024-05-22', '2024-05-28', 'Mexico', 104.94),
  (10277, 1, 5, '2024-05-27', NULL, 'Germany', 7.86);

INSERT INTO "OrderDetails" ("OrderDetailId", "OrderId", "ProductId", "UnitPrice", "Quantity", "Discount") VALUES
  (1, 10248, 11, 62.50, 20, 0.05),
  (2, 10249, 12, 9.20, 40, 0.15),
  (3, 10249, 3, 10.00, 40, 0.00),
  (4, 10250, 10, 17.45, 6, 0.00),
  (5, 10250, 1, 18.00, 12, 0.00),
  (6, 10250, 11, 62.50, 5, 0.25),
  (7, 10251, 9, 38.00, 20, 0.05),
  (8, 10252, 11, 62.50, 12, 0.10),
  (9, 10252, 4, 22.00, 15, 0.05),
  (10, 10253, 1, 18.00, 6, 0.05),
  (11, 10253, 12, 9.20, 15, 0.05),
  (12, 10253, 10, 17.45, 6, 0.15),
  (13, 10254, 5, 21.35, 20, 0.25),
  (14, 10255, 4, 22.00, 30, 0.00),
  (15, 10255, 1, 18.00, 6, 0.10),
  (16, 10256, 14, 15.00, 6, 0.05),
  (17, 10256, 2, 19.00, 15, 0.05),
  (18, 10256, 1, 18.00, 5, 0.00),
  (19, 10257, 4, 22.00, 5, 0.05),
  (20, 10258, 8, 21.00, 20, 0.05),
  (21, 10258, 2, 19.00, 40, 0.15),
  (22, 10259, 4, 22.00, 15, 0.00),
  (23, 10259, 2, 19.00, 15, 0.00),
  (24, 10259, 1, 18.00, 20, 0.25),
  (25, 10260, 2, 19.00, 10, 0.00),
  (26, 10261, 13, 10.00, 6, 0.00),
  (27, 10261, 1, 18.00, 25, 0.25),
  (28, 10262, 9, 38.00, 10, 0.15),
  (29, 10262, 10, 17.45, 12, 0.05),
  (30, 10262, 4, 22.00, 10, 0.05),
  (31, 10263, 12, 9.20, 20, 0.00),
  (32, 10264, 8, 21.00, 20, 0.00),
  (33, 10264, 1, 18.00, 15, 0.25),
  (34, 10265, 14, 15.00, 40, 0.00),
  (35, 10265, 1, 18.00, 12, 0.00),
  (36, 10265, 8, 21.00, 40, 0.15),
  (37, 10266, 11, 62.50, 6, 0.00),
  (38, 10267, 3, 10.00, 12, 0.05),
  (39, 10267, 5, 21.35, 5, 0.25),
  (40, 10268, 11, 62.50, 20, 0.25),
  (41, 10268, 5, 21.35, 20, 0.00),
  (42, 10268, 2, 19.00, 6, 0.00),
  (43, 10269, 11, 62.50, 12, 0.00),
  (44, 10270, 11, 62.50, 20, 0.00),
  (45, 10270, 9, 38.00, 10, 0.10),
  (46, 10271, 9, 38.00, 40, 0.00),
  (47, 10271, 8, 21.00, 10, 0.15),
  (48, 10271, 3, 10.00, 15, 0.00),
  (49, 10272, 11, 62.50, 12, 0.15),
  (50, 10273, 4, 22.00, 10, 0.15),
  (51, 10273, 12, 9.20, 30, 0.00),
  (52, 10274, 12, 9.20, 20, 0.05),
  (53, 10274, 11, 62.50, 6, 0.05),
  (54, 10274, 1, 18.00, 6, 0.00),
  (55, 10275, 1, 18.00, 30, 0.00),
  (56, 10276, 4, 22.00, 20, 0.00),
  (57, 10276, 8, 21.00, 40, 0.05),
  (58, 10277, 5, 21.35, 30, 0.00),
  (59, 10277, 13, 10.00, 6, 0.00),
  (60, 10277, 4, 22.00, 25, 0.10);

