"""Word lists for the demo district: names, streets, businesses and meters of a California town.

Data only. Lists are tuples in a fixed order, so a seed always draws the same words; long ones
are written as comma-separated text (one line per dozen words rather than one per word).
"""


def _list(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())


# (heritage, share of people in ‰, surnames, given names, (language, share in %) spoken at home)
# Shares follow an inland Southern California city: about 42% Hispanic, 30% non-Hispanic white,
# 5% Black, 16% Asian (Filipino, Chinese, Vietnamese, Korean, Indian, Japanese), a few others.
HISPANIC_SURNAMES = _list(
    """
    Garcia, Hernandez, Lopez, Martinez, Gonzalez, Rodriguez, Perez, Sanchez, Ramirez, Flores,
    Torres, Rivera, Gomez, Diaz, Cruz, Morales, Reyes, Gutierrez, Ortiz, Ruiz, Alvarez, Castillo,
    Jimenez, Vasquez, Moreno, Romero, Herrera, Medina, Aguilar, Vargas, Mendoza, Guzman, Salazar,
    Contreras, Navarro, Delgado, Ramos, Cervantes, Sandoval, Avila, Ochoa, Zamora, Estrada,
    Cabrera, Orozco, Padilla, Mejia, Rosales, Villanueva, Muñoz, Peña, Ibarra, Luna, Campos,
    Fuentes, Espinoza, Valenzuela, Soto, Acosta, Trujillo, Zepeda, Barajas, Magaña, Quintero,
    De la Cruz
    """
)
HISPANIC_GIVEN = _list(
    """
    Maria, Jose, Juan, Guadalupe, Luis, Carlos, Ana, Jesus, Rosa, Miguel, Francisco, Veronica,
    Antonio, Alejandra, Jorge, Gabriela, Ricardo, Elena, Fernando, Patricia, Manuel, Adriana,
    Javier, Leticia, Roberto, Claudia, Eduardo, Yesenia, Alejandro, Marisol, Raul, Graciela,
    Sergio, Araceli, Daniel, Sofia, Diego, Isabella, Mateo, Valeria, Angel, Ximena, Oscar,
    Lourdes, Arturo, Beatriz, Hector, Carmen, Ramon, Josefina, José, Raúl
    """
)
ANGLO_SURNAMES = _list(
    """
    Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas,
    Moore, Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young,
    Allen, King, Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell, Roberts,
    Turner, Phillips, Campbell, Parker, Evans, Edwards, Collins, Stewart, Morris, Murphy, Cook,
    Rogers, Morgan, Peterson, Cooper, Reed, Bailey, Bell, Kelly, Howard, Ward, Cox, Richardson,
    Wood, Watson, Brooks, Bennett, Gray, Hughes, Price, Sanders, Myers, Long, Ross, Foster,
    Olsen, Schmidt, Larson, O'Brien, McCarthy, Sullivan, Russo, Romano, Kowalski, Novak, Fischer,
    Weber, Jensen, Dubois
    """
)
ANGLO_GIVEN = _list(
    """
    James, Mary, Robert, Patricia, John, Jennifer, Michael, Linda, David, Elizabeth, William,
    Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, Christopher, Karen, Matthew, Nancy,
    Anthony, Lisa, Mark, Betty, Steven, Sandra, Paul, Ashley, Andrew, Kimberly, Joshua, Emily,
    Kenneth, Donna, Kevin, Michelle, Brian, Carol, Timothy, Amanda, Ryan, Melissa, Gary, Deborah,
    Jason, Stephanie, Eric, Rebecca, Tyler, Megan, Dylan, Hannah, Logan, Olivia, Ethan, Emma,
    Noah, Abigail, Wyatt, Madison
    """
)
BLACK_SURNAMES = _list(
    """
    Washington, Jefferson, Jackson, Johnson, Williams, Brown, Jones, Davis, Harris, Robinson,
    Thomas, Banks, Freeman, Booker, Mosley, Gaines, Coleman, Simmons, Hayes, Bryant, Wallace,
    Dixon, Gibson, Pierce, Holloway
    """
)
BLACK_GIVEN = _list(
    """
    Andre, Keisha, Darnell, Tanisha, Marcus, Latoya, Jamal, Ebony, Terrence, Aaliyah, DeShawn,
    Imani, Malik, Jasmine, Reginald, Monique, Cedric, Tamika, Isaiah, Destiny, Elijah, Brianna,
    Jerome, Gloria, Calvin, Denise
    """
)
FILIPINO_SURNAMES = _list(
    """
    Santos, Reyes, Cruz, Bautista, Ocampo, Garcia, Mendoza, Villanueva, Aquino, Castro,
    Dela Cruz, Ramos, Domingo, Navarro, Manalo, Pascual, Soriano, Dizon, Salvador, Fernandez,
    Tolentino, Mercado, Lim, Agustin
    """
)
FILIPINO_GIVEN = _list(
    """
    Jose, Maria, Mark, Ana, Ronaldo, Marites, Rodel, Maricel, Arnel, Rowena, Jerome, Jocelyn,
    Ramon, Lorna, Romeo, Cristina, Edgardo, Divina, Rommel, Liza, Joel, Analyn, Angelo, Kristine,
    Paolo, Bea
    """
)
CHINESE_SURNAMES = _list(
    """
    Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Lin, He,
    Gao, Luo, Wong, Chan, Leung, Lam, Cheung, Ho, Chang, Tsai, Lee, Chu
    """
)
CHINESE_GIVEN = _list(
    """
    Wei, Fang, Jing, Li, Min, Hui, Ying, Lei, Jun, Xiaoming, Mei, Hong, Yan, Tao, Ping, Kevin,
    Amy, Jason, Grace, Eric, Michelle, Vincent, Cindy, Raymond, Alice, Henry, Winnie, Jackie
    """
)
VIETNAMESE_SURNAMES = _list(
    """
    Nguyen, Tran, Le, Pham, Huynh, Hoang, Phan, Vu, Vo, Dang, Bui, Do, Ho, Ngo, Duong, Ly,
    Truong, Dinh, Lam, Mai
    """
)
VIETNAMESE_GIVEN = _list(
    """
    Anh, Minh, Linh, Huong, Tuan, Thanh, Lan, Hung, Mai, Duc, Hoa, Long, Phuong, Khanh, Trang,
    Quang, Thu, Bao, Vy, Nam, Tina, Peter
    """
)
KOREAN_SURNAMES = _list(
    """
    Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon, Song
    """
)
KOREAN_GIVEN = _list(
    """
    Min-jun, Seo-yeon, Ji-ho, Ji-woo, Hyun-woo, Soo-jin, Young-ho, Eun-ji, Sung-min, Hye-jin,
    Daniel, Grace, David, Esther, Joseph, Sarah, Paul
    """
)
INDIAN_SURNAMES = _list(
    """
    Patel, Singh, Shah, Kumar, Sharma, Gupta, Desai, Mehta, Reddy, Rao, Iyer, Nair, Chopra,
    Kapoor, Malhotra, Joshi, Bhatt, Sandhu, Gill
    """
)
INDIAN_GIVEN = _list(
    """
    Priya, Raj, Anjali, Vikram, Sunita, Amit, Neha, Ravi, Pooja, Sanjay, Deepa, Arjun, Kavita,
    Rahul, Meera, Harpreet, Gurpreet, Manpreet, Anil
    """
)
JAPANESE_SURNAMES = _list(
    """
    Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Sato, Yamada,
    Hayashi, Shimizu, Yoshida, Inouye, Matsumoto, Okada
    """
)
JAPANESE_GIVEN = _list(
    """
    Kenji, Yuki, Hiroshi, Akiko, Takeshi, Emiko, Ken, Naomi, Ryan, Lisa, Kyle, Amy, Dean, Joanne,
    Mika, Daniel
    """
)
ARMENIAN_SURNAMES = _list(
    """
    Petrosyan, Sarkisian, Hovsepian, Avetisyan, Hakobyan, Kardashian, Grigoryan, Manukyan,
    Babayan, Harutyunyan, Ohanian, Mardirossian
    """
)
ARMENIAN_GIVEN = _list(
    """
    Armen, Ani, Narek, Lilit, Hovik, Anush, Tigran, Nare, Aram, Siranush, Vahe, Tamar, Gor, Arpi
    """
)
MIDDLE_EASTERN_SURNAMES = _list(
    """
    Haddad, Khalil, Nasser, Saleh, Hamdan, Mansour, Farah, Aziz, Karimi, Ahmadi, Hosseini,
    Rahimi, Shamoun, Yousef
    """
)
MIDDLE_EASTERN_GIVEN = _list(
    """
    Omar, Layla, Ahmed, Fatima, Ali, Nadia, Karim, Leila, Sami, Yasmin, Reza, Shirin, Hassan,
    Dalia, Tariq, Mona
    """
)

HERITAGES = (
    ("hispanic", 420, HISPANIC_SURNAMES, HISPANIC_GIVEN, (("es", 62),)),
    ("anglo", 300, ANGLO_SURNAMES, ANGLO_GIVEN, ()),
    ("black", 50, BLACK_SURNAMES, BLACK_GIVEN, ()),
    ("filipino", 55, FILIPINO_SURNAMES, FILIPINO_GIVEN, (("tl", 45),)),
    ("chinese", 45, CHINESE_SURNAMES, CHINESE_GIVEN, (("zh", 50),)),
    ("vietnamese", 35, VIETNAMESE_SURNAMES, VIETNAMESE_GIVEN, (("vi", 55),)),
    ("korean", 25, KOREAN_SURNAMES, KOREAN_GIVEN, (("ko", 50),)),
    ("indian", 25, INDIAN_SURNAMES, INDIAN_GIVEN, (("other", 15),)),
    ("japanese", 12, JAPANESE_SURNAMES, JAPANESE_GIVEN, ()),
    ("armenian", 13, ARMENIAN_SURNAMES, ARMENIAN_GIVEN, (("other", 30),)),
    ("middle_eastern", 20, MIDDLE_EASTERN_SURNAMES, MIDDLE_EASTERN_GIVEN, (("other", 30),)),
)

# Street names. Arterials carry the big through-names; the rest name the local streets.
ARTERIAL_NAMES = _list(
    """
    Foothill, Baseline, Highland, Citrus, Mission, Orange Grove, Valley View, Sierra Madre,
    Mountain View, Sunset, Canyon, Palm, Colton, Lugonia, Redlands, Alessandro, Pioneer, Wabash,
    Crafton, University, Ramona, Del Rosa, Waterman, Tippecanoe, Mill Creek, San Bernardino,
    Riverside, Grand, Central, Arrowhead
    """
)
LOCAL_NAMES = _list(
    """
    Oak, Maple, Sycamore, Eucalyptus, Jacaranda, Pepper Tree, Olive, Cypress, Magnolia, Acacia,
    Walnut, Lemon, Almond, Pine, Cedar, Willow, Elm, Juniper, Manzanita, Madrone, Laurel,
    Cottonwood, Palo Verde, Mesquite, Orchard, Alta Vista, Buena Vista, Del Mar, La Paloma,
    Las Flores, Loma Linda, Mesa Verde, Monte Vista, Paseo Grande, Rancho, San Marcos,
    Santa Rosa, Vista Grande, El Camino, Arroyo, Cielo, Encino, Alamo, Palomar, Mariposa, Pueblo,
    Valle Verde, Linda Vista, Bonita, Las Palmas, Camino Real, Portola, Serra, Fremont, Kearny,
    Vallejo, Bidwell, Muir, Sutter, Anza, Carrillo, Pico, Sepulveda, Figueroa, Alvarado,
    Estudillo, Washington, Lincoln, Jefferson, Madison, Monroe, Adams, Jackson, Grant, Roosevelt,
    Kennedy, Wilson, Garfield, Cleveland, Harrison, Taft, Quail, Dove, Hawk, Oriole, Meadowlark,
    Sparrow, Cardinal, Finch, Heron, Roadrunner, Hummingbird, Bluebird, Mockingbird, Kingfisher,
    Sandpiper, Condor, Falcon, Sunrise, Meadow, Ridge, Hillcrest, Crestview, Fairview, Glenwood,
    Lakeview, Parkside, Brookside, Riverview, Shadow Canyon, Pinecrest, Silverwood, Greenbriar,
    Briarwood, Wildflower, Poppy, Lupine, Sage, Rosemary, Lavender, Primrose, Jasmine, Gardenia,
    Hibiscus, Bougainvillea, Marigold, Sunflower, Amber, Coral, Crystal, Emerald, Garnet, Opal,
    Topaz, Sapphire, Granite, Sandstone, Flagstone, Cobblestone, Windmill, Wagon Wheel,
    Stagecoach, Saddleback, Bridle, Mustang, Pony Express, Ranchero, Hacienda, Mission Bell,
    Campanile, Adobe, Mirasol, Solana, Avenida Sol, Casa Linda, Tierra Bonita, Agua Fria,
    Rio Vista, Sierra Vista, Summit, Canyon Crest, Chaparral, Yucca, Joshua, Ocotillo, Agave,
    Cholla, Desert Willow, Smoke Tree, Ironwood, Birch, Aspen, Spruce, Redwood, Sequoia,
    Tamarack, Hemlock, Chestnut, Hazelnut, Pecan, Persimmon, Pomegranate, Fig, Apricot, Peach,
    Plum, Cherry, Nectarine, Tangerine, Valencia, Navel, Grove, Vineyard, Harvest, Heritage,
    Liberty, Independence, Victoria, Alexandria, Cambridge, Oxford, Windsor, Kensington,
    Stratford, Devonshire, Somerset, Hampton, Lexington, Concord, Salem, Berkshire, Carlisle,
    Dover, Essex, Fairfax
    """
)
LOCAL_EAST_WEST_SUFFIXES = ("St", "St", "St", "St", "Dr", "Dr", "Way", "Ln", "Pl", "Ct")
LOCAL_NORTH_SOUTH_SUFFIXES = ("Ave", "Ave", "Ave", "Ave", "Ave", "St", "Dr", "Way")
ARTERIAL_SUFFIXES = ("Blvd", "Ave", "Rd", "Blvd", "Ave")

# Where the meter box is, as field crews note it (by kind of premise).
METER_LOCATIONS = {
    "home": (
        "Front yard, left of driveway",
        "Front yard, right of driveway",
        "Parkway strip at curb",
        "Sidewalk box near curb",
        "Behind side gate - dog in yard",
        "Box under hedge, left side",
        "Box in driveway apron",
        "Alley side of lot",
    ),
    "building": (
        "Vault in parking lot",
        "Planter at front of building",
        "Sidewalk box near curb",
        "Near fire hydrant at curb",
        "Alley behind building",
        "Landscape strip, north side",
        "Median island, east end",
    ),
}

# Businesses: a trade, and the patterns their names follow.
TRADES = _list(
    """
    Auto Repair, Dental Group, Family Medicine, Laundromat, Taqueria, Bakery, Market, Pho House,
    Car Wash, Nail Salon, Barber Shop, Pizza, Hardware, Insurance Agency, Tax Service, Pharmacy,
    Dry Cleaners, Veterinary Clinic, Fitness, Learning Center, Boba Tea, Donuts, Mariscos,
    Barbecue, Coffee, Tire Shop, Plumbing Supply, Florist, Chiropractic, Optometry, Preschool,
    Thai Kitchen, Sushi, Carniceria, Panaderia, Liquor, Smog Check, Printing, Physical Therapy,
    Dialysis Center, Urgent Care, Self Storage, Restaurant
    """
)
BUSINESS_WORDS = _list(
    """
    Golden, Sunrise, Sunset, Valley, Mountain, Royal, Pacific, Desert, Inland, Citrus, Mission,
    Premier, Eagle, Star, Lucky, Happy, Friendly, Oasis, Rancho, Vista, Pioneer, Sierra, Canyon,
    Orange Blossom, Jade, Lotus, Saigon, Manila, Seoul, El Sol, La Estrella, Los Altos, Santa Fe
    """
)
BUSINESS_SUFFIXES = ("", "", "", " Inc", " LLC", " Corp")
PROPERTY_WORDS = _list(
    """
    Gardens, Villas, Terrace, Court, Park, Place, Manor, Commons, Pointe, Village, Heights,
    Crossing
    """
)
OWNER_COMPANIES = _list(
    """
    SUNWEST HOMES LLC, INLAND RENTAL PROPERTIES LLC, GOLDEN STATE HOMES I LP,
    PACIFIC RESIDENTIAL TRUST, CITRUS VALLEY INVESTMENTS LLC, ARROWHEAD REALTY LLC,
    MOUNTAIN VIEW HOLDINGS LLC, CASA BONITA PROPERTIES LLC, REDWOOD SFR OWNER LLC,
    FOOTHILL HOUSING PARTNERS LP
    """
)

# Public and community customers that hold many irrigation accounts.
CITY_PARKS = "City of Mesa Verde - Parks"
SCHOOL_DISTRICT = "Mesa Verde Unified School District"
HOA_WORDS = ("Ranch", "Estates", "Highlands", "Hills", "Meadows", "Greens", "Oaks", "Vineyards")

# Mailing addresses away from the district: "city/state/ZIP".
MAILING_ELSEWHERE = tuple(
    tuple(place.split("/"))
    for place in _list(
        """
        Los Angeles/CA/90027, Irvine/CA/92618, San Diego/CA/92108, Riverside/CA/92506,
        Pasadena/CA/91101, Rancho Cucamonga/CA/91730, Temecula/CA/92591, San Jose/CA/95112,
        Sacramento/CA/95819, Fresno/CA/93704, Long Beach/CA/90803, Ontario/CA/91761,
        Fontana/CA/92336, Corona/CA/92882, Anaheim/CA/92805, Las Vegas/NV/89117,
        Phoenix/AZ/85018, Henderson/NV/89052
        """
    )
)

# Phone area codes around the district, the local ones most often.
AREA_CODES = ("909", "909", "909", "909", "951", "951", "951", "760", "442", "626", "714", "562")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Meter makes and models by size: "make/model" of the older generation still in the ground,
# and of what the district installs today (exchanges bring the new generation).
_OLD_SMALL = _list("Badger/M25, Neptune/T-10, Sensus/SR II")
_NEW_SMALL = _list("Badger/E-Series G2, Sensus/iPERL, Neptune/MACH 10")
_OLD_LARGE = _list("Sensus/OMNI C2, Neptune/HP Protectus III, Master Meter/Octave")
_NEW_LARGE = _list("Master Meter/Octave, Sensus/OMNI F2, Badger/Recordall Turbo")
METER_MODELS = {
    "5/8": (_OLD_SMALL, _NEW_SMALL),
    "3/4": (_list("Badger/M35, Neptune/T-10, Sensus/SR II"), _NEW_SMALL),
    "1": (_list("Badger/M55, Neptune/T-10, Sensus/SR II"), _NEW_SMALL),
    "1-1/2": (
        _list("Badger/M120, Neptune/T-10, Sensus/OMNI C2"),
        _list("Badger/E-Series Ultrasonic, Sensus/OMNI C2, Neptune/MACH 10"),
    ),
    "2": (
        _list("Badger/M170, Neptune/HP Turbine, Sensus/OMNI T2"),
        _list("Badger/E-Series Ultrasonic, Sensus/OMNI T2, Neptune/MACH 10"),
    ),
    "3": (_OLD_LARGE, _NEW_LARGE),
    "4": (_OLD_LARGE, _NEW_LARGE),
    "6": (_OLD_LARGE, _NEW_LARGE),
}
SERIAL_PREFIXES = {"Badger": "BA", "Neptune": "NP", "Sensus": "SN", "Master Meter": "MM"}
